import { ConfigError } from './config-error';

/**
 * Runs an app's main: a ConfigError (bad variables, a taken port) prints its message alone and
 * exits with 2; anything else prints once, with its stack, and exits with 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  });
}
