import type { ProgressOutput } from './progress';

/** The streams a command writes to: the process's own, or captured ones in tests. */
export interface CliIo {
  /** Command output (exported events when no --out is given). */
  stdout: NodeJS.WritableStream;
  /** Progress, summaries, errors and help for errors. */
  stderr: ProgressOutput;
}
