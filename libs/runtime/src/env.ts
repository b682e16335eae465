/**
 * Reads an app's configuration from the environment and checks all of it at once, so a boot
 * with a missing or malformed variable stops with one message that names every problem.
 */
export class ConfigError extends Error {}

export interface EnvReader {
  required(name: string, description: string): string;
  optional(name: string): string | undefined;
  port(name: string, fallback: number): number;
  positiveInt(name: string, fallback: number): number;
  /** The variable through `parse` (given undefined when unset); what `parse` throws is reported as a problem. */
  parsed<T>(name: string, parse: (raw: string | undefined) => T, fallback: T): T;
  done(): void;
}

export function envReader(env: NodeJS.ProcessEnv = process.env): EnvReader {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number, what: string) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) problems.push(`${name} must be ${what}, got "${raw}"`);
    return parsed;
  };
  return {
    required(name, description) {
      const raw = value(name);
      if (raw === undefined) problems.push(`${name} is required: ${description}`);
      return raw ?? '';
    },
    optional: value,
    port: (name, fallback) => integer(name, fallback, 0, 65535, 'a port number'),
    positiveInt: (name, fallback) => integer(name, fallback, 1, Number.MAX_SAFE_INTEGER, 'a positive integer'),
    parsed(name, parse, fallback) {
      try {
        return parse(value(name));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        problems.push(message.includes(name) ? message : `${name}: ${message}`);
        return fallback;
      }
    },
    done() {
      if (problems.length > 0) throw new ConfigError(`Configuration error:\n  - ${problems.join('\n  - ')}`);
    },
  };
}

/** Runs an app's main, turning configuration errors into a clear message and exit code 2. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  });
}
