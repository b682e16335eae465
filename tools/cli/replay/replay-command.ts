import { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { registerExportCommand } from './export-command';
import { registerRebuildCommand } from './rebuild-command';
import { registerSealCommand } from './seal-command';

/** `replay`: the commands that read the stored events back (rebuild a read model, export them). */
export function registerReplayCommands(program: Command, io: CliIo): void {
  const replay = program.command('replay').description('read the stored events back: rebuild a read model from them, or export them');
  registerRebuildCommand(replay, io);
  registerExportCommand(replay, io);
  registerSealCommand(replay, io);
}
