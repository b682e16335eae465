/**
 * The analysts' replay tool (`npm run replay -- <command> [options]`):
 *
 *   rebuild contacts   rebuild the contacts read model from zero into a new collection, then
 *                      swap it in (queries keep working); needs MongoDB (distributed mode;
 *                      the standalone app rebuilds its embedded read models at every start)
 *   export             write stored events as JSON Lines, optionally one site, one contact or a
 *                      time range, from any event store
 *
 * Options: --event-store <esdb://... | path to a .sqlite file> (default: EVENTSTORE_URL, else
 * DATA_DIR/<service>-events.sqlite), --service contacts|labels|extended-fields (export; default
 * contacts), --mongo <url> (default MONGODB_URL), --database <name> (default contacts),
 * --site <id>, --contact <id>, --from <ISO>, --to <ISO>, --out <file> (default stdout).
 */
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportEvents, rebuildContactsReadModel } from '@cp/contacts-application';
import { EventStore, EventStoreDbEventStore, SqliteEventStore } from '@cp/event-store';
import { MongoReadStore } from '@cp/read-store';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'event-store': { type: 'string' },
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
  if (!mongoUrl) fail('rebuild needs MongoDB: --mongo <url> or MONGODB_URL');
  const eventStore = openEventStore('contacts');
  const readStore = await new MongoReadStore(mongoUrl, values.database).connect();
  const bar = progressBar('rebuilding contacts');
  try {
    const result = await rebuildContactsReadModel({
      eventStore,
      readStore,
      logger: { error: (m) => process.stderr.write(`\n${m}\n`), warn: () => undefined },
      onProgress: ({ position, head }) => bar(position, head),
    });
    bar(result.events, result.events, true);
    process.stderr.write(`rebuilt from ${result.events} events in ${result.seconds.toFixed(1)} s (${Math.round(result.events / Math.max(result.seconds, 0.001))} events/s); the new read model is live\n`);
  } finally {
    await eventStore.close();
    await readStore.close();
  }
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
