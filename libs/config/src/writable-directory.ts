import { accessSync, constants, mkdirSync } from 'node:fs';
import { EnvRule, EnvShape, EnvValues } from './read-env';

/**
 * Creates the directory if it is missing and checks that this process may write in it, so that
 * a bad data directory stops the boot as a configuration problem rather than a stack trace from
 * the first file opened there. Returns why not, or undefined.
 */
export function unwritableDirectoryReason(path: string): string | undefined {
  try {
    mkdirSync(path, { recursive: true });
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The rule for a data directory: created if missing, then writable, checked only when
 * `needed` says the app will use it (a service on EventStoreDB keeps no files).
 */
export function directoryIsWritable<Shape extends EnvShape>(
  variable: keyof Shape & string,
  needed: { uses: readonly (keyof Shape & string)[]; when: (values: EnvValues<Shape>) => boolean } = { uses: [], when: () => true },
): EnvRule<Shape> {
  return {
    uses: [variable, ...needed.uses],
    check(values, report) {
      if (!needed.when(values)) return;
      const reason = unwritableDirectoryReason(values[variable] as string);
      if (reason) report(variable, `must be a directory this process can create and write to: ${reason}`);
    },
  };
}
