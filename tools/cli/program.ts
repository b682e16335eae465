import { Command, CommanderError } from 'commander';
import type { CliIo } from './cli-io';
import { registerExportCommand } from './api/export-command';
import { registerImportCommand } from './api/import-command';
import { registerReplayCommands } from './replay/replay-command';
import { UsageError } from './usage-error';

/**
 * The `contacts-platform` program. Each command group registers itself here (`replay`, `import`, `export`),
 * and inherits the output and exit handling set first.
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('contacts-platform')
    .description("tools for a contacts platform's data: its stored events and the read models built from them, and imports and exports through the API")
    // Throw instead of exiting, so that runCli picks the exit code (and tests can call it).
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  registerReplayCommands(program, io);
  registerImportCommand(program, io);
  registerExportCommand(program, io);
  return program;
}

/**
 * Runs the program on `argv` (the arguments after the executable and script) and resolves to the
 * exit code: 0 for success and help, 2 for a call refused as asked (commander's usage errors and
 * UsageError), 1 for a failure along the way.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already written its message (or the help, as with a group called without a command).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
