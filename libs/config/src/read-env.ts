import { z } from 'zod';
import { ConfigError } from './config-error';
import { Variable } from './variables';

export type EnvShape = Record<string, Variable<unknown>>;
export type EnvValues<Shape extends EnvShape> = { [Name in keyof Shape]: z.output<Shape[Name]> };

/** A check across variables (REDIS_URL needed because of RATE_LIMITS, a file named by a variable). */
export interface EnvRule<Shape extends EnvShape> {
  /** The variables it looks at: it runs only when each of them is valid by itself. */
  uses: readonly (keyof Shape & string)[];
  check(values: EnvValues<Shape>, report: (variable: keyof Shape & string, message: string) => void): void;
}

/** An app's configuration: its variables, the checks across them, and the settings they make. */
export interface EnvSpec<Shape extends EnvShape, Config> {
  /** Who reads these variables: the heading of their section in .env.example. */
  app: string;
  /** One line on how that app runs, for the same heading. */
  about: string;
  variables: Shape;
  rules?: readonly EnvRule<Shape>[];
  settings(values: EnvValues<Shape>): Config;
}

/** Declares an app's configuration (only so that TypeScript infers the variables' types). */
export function defineEnv<Shape extends EnvShape, Config>(spec: EnvSpec<Shape, Config>): EnvSpec<Shape, Config> {
  return spec;
}

/** Marks the issues that rules report, so that one rule's finding does not silence the next rule. */
const FROM_RULE = { fromRule: true };
const isVariableProblem = (issue: z.core.$ZodRawIssue) => !(issue.code === 'custom' && issue.params?.fromRule);

/** The app's schema: every variable, then the rules whose variables are valid, then its settings. */
export function envSchema<Shape extends EnvShape, Config>(spec: EnvSpec<Shape, Config>): z.ZodType<Config, NodeJS.ProcessEnv> {
  let schema: z.ZodType<EnvValues<Shape>, NodeJS.ProcessEnv> = z.object(spec.variables) as unknown as z.ZodType<EnvValues<Shape>, NodeJS.ProcessEnv>;
  for (const rule of spec.rules ?? []) {
    schema = schema.superRefine(
      (values, context) => rule.check(values, (variable, message) => context.addIssue({ code: 'custom', path: [variable], message, params: FROM_RULE })),
      { when: ({ issues }) => !issues.some((issue) => isVariableProblem(issue) && (rule.uses as readonly string[]).includes(String(issue.path?.[0]))) },
    );
  }
  return schema.transform((values) => spec.settings(values));
}

/**
 * Reads an app's configuration from the environment. Every problem is found before any is
 * reported, one line each, each naming its variable: one boot shows everything to fix.
 */
export function readEnv<Shape extends EnvShape, Config>(spec: EnvSpec<Shape, Config>, env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema(spec).safeParse(env);
  if (result.success) return result.data;
  throw ConfigError.listing(result.error.issues.map((issue) => named(String(issue.path[0]), issue.message)));
}

/** Messages of the builders say what a value must be or is; those of parsers of their own may name the variable already. */
function named(variable: string, message: string): string {
  if (message.startsWith(variable)) return message;
  return /^(must|is) /.test(message) ? `${variable} ${message}` : `${variable}: ${message}`;
}
