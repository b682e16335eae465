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

export interface StopOptions {
  /** How long a stop may take before the process exits anyway (with 1). */
  limitMs: number;
  /** Says what went wrong: the stop failed, or ran past its limit. */
  report: (message: string, error?: unknown) => void;
}

/**
 * The process's only SIGTERM and SIGINT handlers (Nest's shutdown hooks would end the process as
 * soon as one app closed): the first signal runs `stop`, then the process exits with
 * `process.exitCode` (0 unless something set it). `npm start` forwards a terminal's Ctrl-C, so
 * the signal may come twice: a repeat is ignored while stopping, within the limit.
 */
export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>, options: StopOptions): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      options.report(`Still stopping ${options.limitMs / 1000} s after ${signal}: exiting now`);
      process.exit(1);
    }, options.limitMs).unref();
    stop(signal).then(
      () => process.exit(process.exitCode ?? 0),
      (error: unknown) => {
        options.report('Stopping failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
