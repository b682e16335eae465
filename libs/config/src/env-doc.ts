import { z } from 'zod';

/** What documentation (.env.example) says about a variable; every variable schema carries one. */
export interface EnvDoc {
  description: string;
  /** The default as a reader would write it; absent: the variable has none. */
  default?: string;
  /** What leaving it unset does, for a variable without a default value. */
  unset?: string;
  /** Required always (true), or only in some case (says which, e.g. "unless RATE_LIMITS=off"). */
  required?: true | string;
  /** A value to show when there is no default. */
  example?: string;
}

/** The documentation of each variable schema, looked up by the schema itself. */
export const envDocs = z.registry<EnvDoc>();
