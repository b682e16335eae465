import { Argument, Command, Option } from 'commander';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONTACTS_READ_MODEL_VERSION, rebuildContactsReadModel } from '@cp/contacts-application';
import { EventStore, SqliteEventStore } from '@cp/event-store';
import { MongoReadStore, ReadStore, SqliteReadStore } from '@cp/read-store';
import { dataDirServedBy, eventStoreFile, readStoreFile } from '../standalone-files';
import type { CliIo } from '../cli-io';
import { checkSqliteEventStore, eventStoreTarget, openContactEvents, openExistingEventStore } from '../event-stores';
import { progress } from '../progress';
import { UsageError } from '../usage-error';
import { dataDirOption, eventStoreOption } from './store-options';

/** The read models a rebuild knows; one more is one more choice and one more branch below. */
const READ_MODELS = ['contacts'] as const;

interface RebuildOptions {
  mongo?: string;
  database: string;
  eventStore?: string;
  dataDir: string;
}

export function registerRebuildCommand(replay: Command, io: CliIo): void {
  replay
    .command('rebuild')
    .description('rebuild a read model from zero out of the stored events, and put it in place of the live one')
    .addArgument(new Argument('<read-model>', 'the read model to rebuild').choices(READ_MODELS))
    .addOption(new Option('--mongo <url>', 'distributed: the MongoDB the read model is in').env('MONGODB_URL'))
    .addOption(new Option('--database <name>', 'distributed: its database').default('contacts'))
    .addOption(eventStoreOption('distributed: where the events are, an esdb:// or postgres:// URL or a SQLite file; by default <data-dir>/contacts-events.sqlite'))
    .addOption(dataDirOption())
    .addHelpText(
      'after',
      `
With --mongo (or MONGODB_URL): the read model is built into a new collection and swapped in by a
rename; queries keep working meanwhile.
Without: the standalone app's SQLite read model (READ_STORE=sqlite) under the data directory is
built into a fresh file that then replaces the live one. Stop the app first: the tool refuses
while it serves the directory.`,
    )
    .action((_readModel: (typeof READ_MODELS)[number], options: RebuildOptions, command: Command) =>
      options.mongo !== undefined ? rebuildInMongo(options.mongo, options, io) : rebuildStandalone(options, command, io),
    );
}

/** Distributed: into a new collection beside the live one, swapped in by a rename; queries keep working. */
async function rebuildInMongo(mongoUrl: string, options: RebuildOptions, io: CliIo): Promise<void> {
  const eventStore = await openContactEvents(await openExistingEventStore(eventStoreTarget(options, 'contacts'), 'contacts'), { dataDir: options.dataDir, mongoUrl });
  try {
    const readStore = await new MongoReadStore(mongoUrl, options.database).connect();
    try {
      await rebuildWithProgress(eventStore, readStore, io);
    } finally {
      await readStore.close();
    }
  } finally {
    await eventStore.close();
  }
}

/**
 * Standalone: into a fresh file beside the live one, which then replaces it, with the app
 * stopped (it holds the live file open, and would go on writing to the one replaced).
 */
async function rebuildStandalone(options: RebuildOptions, command: Command, io: CliIo): Promise<void> {
  if (command.getOptionValueSource('eventStore') === 'cli') {
    throw new UsageError('--event-store is for a rebuild into MongoDB (--mongo); the standalone app reads <data-dir>/contacts-events.sqlite');
  }
  const dataDir = resolve(options.dataDir);
  if (!statSync(dataDir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`no data directory at ${dataDir} (set DATA_DIR or --data-dir)`);
  const servedBy = dataDirServedBy(dataDir);
  if (servedBy !== undefined) throw new UsageError(`the app (pid ${servedBy}) is serving ${dataDir}: stop it first, then rebuild`);
  const events = eventStoreFile(dataDir, 'contacts');
  checkSqliteEventStore(events);
  const live = readStoreFile(dataDir, 'contacts');
  if (!existsSync(live)) throw new UsageError(`no SQLite read store at ${live}: with READ_STORE=memory (the default) the app rebuilds its read models at every start`);
  const fresh = `${live}.rebuild`;
  removeSqliteFile(fresh);
  const eventStore = await openContactEvents(new SqliteEventStore(events), { dataDir });
  const readStore = new SqliteReadStore(fresh, { schemaVersion: CONTACTS_READ_MODEL_VERSION });
  try {
    await rebuildWithProgress(eventStore, readStore, io);
  } finally {
    await eventStore.close();
    await readStore.close();
  }
  // Its WAL and shared memory belong to the old file: gone before the new one takes its name.
  removeSqliteFile(live);
  renameSync(fresh, live);
  io.stderr.write(`${live} replaced; start the app\n`);
}

async function rebuildWithProgress(eventStore: EventStore, readStore: ReadStore, io: CliIo): Promise<void> {
  const shown = progress('rebuilding contacts', io.stderr);
  const result = await rebuildContactsReadModel({
    eventStore,
    readStore,
    logger: { error: (message) => shown.note(message), warn: () => undefined },
    onProgress: ({ position, head }) => shown.update(position, head),
  });
  shown.finish(result.events, result.events);
  const rate = Math.round(result.events / Math.max(result.seconds, 0.001));
  io.stderr.write(`rebuilt from ${result.events} events in ${result.seconds.toFixed(1)} s (${rate} events/s); the new read model is live\n`);
}

function removeSqliteFile(file: string): void {
  for (const suffix of ['-wal', '-shm', '']) rmSync(`${file}${suffix}`, { force: true });
}
