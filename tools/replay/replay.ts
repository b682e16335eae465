/**
 * The analysts' replay tool (`npm run replay -- <command> [options]`):
 *
 *   rebuild contacts   rebuild the contacts read model from zero: with MongoDB (--mongo or
 *                      MONGODB_URL) into a new collection swapped in while queries keep working;
 *                      otherwise the standalone app's SQLite one (READ_STORE=sqlite; DATA_DIR or
 *                      --data-dir) into a fresh file that replaces the live one, with the app stopped
 *   export             write stored events as JSON Lines, optionally one site, one contact or a
 *                      time range, from any event store
 *
 * Options: --event-store <esdb://... | path to a .sqlite file> (default: EVENTSTORE_URL, else
 * DATA_DIR/<service>-events.sqlite), --service contacts|labels|extended-fields (export; default
 * contacts), --mongo <url> (default MONGODB_URL), --database <name> (default contacts),
 * --site <id>, --contact <id>, --from <ISO>, --to <ISO>, --out <file> (default stdout).
 */
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTACTS_READ_MODEL_VERSION, exportEvents, rebuildContactsReadModel } from '@cp/contacts-application';
import { EventStore, EventStoreDbEventStore, SqliteEventStore } from '@cp/event-store';
import { MongoReadStore, ReadStore, SqliteReadStore } from '@cp/read-store';
import { dataDirServedBy, eventStoreFile, readStoreFile } from '../../apps/standalone/src/data-files';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'event-store': { type: 'string' },
    'data-dir': { type: 'string' },
    service: { type: 'string', default: 'contacts' },
    mongo: { type: 'string' },
    database: { type: 'string', default: 'contacts' },
    site: { type: 'string' },
    contact: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

function fail(message: string): never {
  process.stderr.write(`replay: ${message}\nusage: npm run replay -- rebuild contacts | export [--site S] [--contact C] [--from T] [--to T] [--out F]\n`);
  process.exit(2);
}

function openEventStore(service: string): EventStore {
  const target = values['event-store'] ?? process.env.EVENTSTORE_URL ?? join(resolve(process.env.DATA_DIR ?? './data'), `${service}-events.sqlite`);
  return /^(esdb|kurrentdb|esdb\+discover|kdb):/.test(target) ? new EventStoreDbEventStore(target) : new SqliteEventStore(target);
}

/** A one-line progress bar on stderr. */
function progressBar(label: string) {
  let last = 0;
  return (done: number, total: number, force = false) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(ratio * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total}`);
    if (force) process.stderr.write('\n');
  };
}

async function rebuild(target: string | undefined): Promise<void> {
  if (target !== 'contacts') fail('rebuild takes one read model: contacts');
  const mongoUrl = values.mongo ?? process.env.MONGODB_URL;
  if (mongoUrl) return rebuildInMongo(mongoUrl);
  return rebuildStandalone(resolve(values['data-dir'] ?? process.env.DATA_DIR ?? './data'));
}

/** Distributed: into a new collection beside the live one, swapped in by a rename; queries keep working. */
async function rebuildInMongo(mongoUrl: string): Promise<void> {
  const eventStore = openEventStore('contacts');
  const readStore = await new MongoReadStore(mongoUrl, values.database).connect();
  try {
    await rebuildWithProgress(eventStore, readStore);
  } finally {
    await eventStore.close();
    await readStore.close();
  }
}

/**
 * Standalone: into a fresh file beside the live one, which then replaces it, with the app
 * stopped (it holds the live file open, and would go on writing to the one replaced).
 */
async function rebuildStandalone(dataDir: string): Promise<void> {
  const servedBy = dataDirServedBy(dataDir);
  if (servedBy !== undefined) fail(`the app (pid ${servedBy}) is serving ${dataDir}: stop it first, then rebuild`);
  const events = eventStoreFile(dataDir, 'contacts');
  if (!existsSync(events)) fail(`no contacts event store at ${events} (set DATA_DIR or --data-dir)`);
  const live = readStoreFile(dataDir, 'contacts');
  if (!existsSync(live)) fail(`no SQLite read store at ${live}: with READ_STORE=memory (the default) the app rebuilds its read models at every start`);
  const fresh = `${live}.rebuild`;
  removeSqliteFile(fresh);
  const eventStore = new SqliteEventStore(events);
  const readStore = new SqliteReadStore(fresh, { schemaVersion: CONTACTS_READ_MODEL_VERSION });
  try {
    await rebuildWithProgress(eventStore, readStore);
  } finally {
    await eventStore.close();
    await readStore.close();
  }
  // Its WAL and shared memory belong to the old file: gone before the new one takes its name.
  removeSqliteFile(live);
  renameSync(fresh, live);
  process.stderr.write(`${live} replaced; start the app\n`);
}

async function rebuildWithProgress(eventStore: EventStore, readStore: ReadStore): Promise<void> {
  const bar = progressBar('rebuilding contacts');
  const result = await rebuildContactsReadModel({
    eventStore,
    readStore,
    logger: { error: (m) => process.stderr.write(`\n${m}\n`), warn: () => undefined },
    onProgress: ({ position, head }) => bar(position, head),
  });
  bar(result.events, result.events, true);
  process.stderr.write(`rebuilt from ${result.events} events in ${result.seconds.toFixed(1)} s (${Math.round(result.events / Math.max(result.seconds, 0.001))} events/s); the new read model is live\n`);
}

function removeSqliteFile(file: string): void {
  for (const suffix of ['-wal', '-shm', '']) rmSync(`${file}${suffix}`, { force: true });
}

async function exportStream(): Promise<void> {
  const eventStore = openEventStore(values.service ?? 'contacts');
  const out: NodeJS.WritableStream = values.out ? createWriteStream(values.out) : process.stdout;
  const head = await eventStore.headPosition();
  const bar = progressBar('exporting');
  let written = 0;
  try {
    for await (const event of exportEvents(eventStore, { siteId: values.site, contactId: values.contact, from: values.from, to: values.to })) {
      if (!out.write(`${JSON.stringify(event)}\n`)) await new Promise((resolve) => out.once('drain', resolve));
      written++;
      bar(event.globalPosition, head);
    }
    bar(head, head, true);
    process.stderr.write(`exported ${written} events\n`);
  } finally {
    if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
    await eventStore.close();
  }
}

async function main(): Promise<void> {
  if (values.help) return fail('help');
  const [command, target] = positionals;
  if (command === 'rebuild') return rebuild(target);
  if (command === 'export') return exportStream();
  fail(`unknown command ${command ?? '(none)'}`);
}

main().catch((error) => {
  process.stderr.write(`replay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
