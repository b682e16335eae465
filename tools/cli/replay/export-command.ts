import { Command, InvalidArgumentError, Option } from 'commander';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { exportEvents } from '@cp/contacts-application';
import type { CliIo } from '../cli-io';
import { eventStoreTarget, openContactEvents, openExistingEventStore, Service, SERVICES } from '../event-stores';
import { progress } from '../progress';
import { UsageError } from '../usage-error';
import { dataDirOption, eventStoreOption } from './store-options';

interface ExportOptions {
  eventStore?: string;
  dataDir: string;
  service: Service;
  site?: string;
  contact?: string;
  from?: string;
  to?: string;
  out?: string;
}

export function registerExportCommand(replay: Command, io: CliIo): void {
  replay
    .command('export')
    .description("write a service's stored events as JSON Lines, in order, from any event store")
    .addOption(eventStoreOption('where the events are, an esdb:// or postgres:// URL or a SQLite file; by default <data-dir>/<service>-events.sqlite'))
    .addOption(dataDirOption())
    .addOption(new Option('--service <name>', 'whose events').choices(SERVICES).default('contacts'))
    .option('--site <id>', 'only events of this site')
    .option('--contact <id>', 'only events of this contact (read from its stream alone with --site)')
    .addOption(new Option('--from <time>', 'only events at or after this ISO-8601 time').argParser(isoTime))
    .addOption(new Option('--to <time>', 'only events at or before this ISO-8601 time').argParser(isoTime))
    .option('--out <file>', 'write to this file (default: stdout)')
    .addHelpText(
      'after',
      '\nProgress and the count go to stderr: a bar on a terminal, a line every tenth otherwise.\nThe contacts\' personal data is opened with their data keys (docs/privacy.md): the master key is DATA_KEY_ENCRYPTION_KEY, else the app\'s generated one beside the store; the keys are beside a SQLite store, or for the distributed services where DATA_KEYS_URL says, else in MongoDB (MONGODB_URL). An erased contact\'s events come out redacted.',
    )
    .action((options: ExportOptions) => exportCommand(options, io));
}

function isoTime(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('It is not an ISO-8601 time (such as 2026-01-31T12:00:00Z).');
  return value;
}

async function exportCommand(options: ExportOptions, io: CliIo): Promise<void> {
  // Every refusal before anything is opened: a refused export leaves no store and no output file behind.
  const outFile = options.out === undefined ? undefined : resolve(options.out);
  if (outFile !== undefined && !existsSync(dirname(outFile))) throw new UsageError(`no directory ${dirname(outFile)} for --out ${options.out}`);
  const target = eventStoreTarget(options, options.service);
  const stored = await openExistingEventStore(target, options.service);
  // The contacts' personal data is sealed: opened with its keys (beside a SQLite store, as the app keeps them), an erased contact's events come out redacted.
  const keysDir = isUrl(target) ? options.dataDir : dirname(resolve(target));
  const eventStore = options.service === 'contacts' ? await openContactEvents(stored, { dataDir: keysDir, mongoUrl: process.env.MONGODB_URL }).catch(async (error: unknown) => {
    await stored.close();
    throw error;
  }) : stored;
  try {
    const out = outFile === undefined ? io.stdout : await openForWriting(outFile);
    try {
      const head = await eventStore.headPosition();
      const shown = progress('exporting', io.stderr);
      let written = 0;
      const filter = { siteId: options.site, contactId: options.contact, from: options.from, to: options.to };
      for await (const event of exportEvents(eventStore, filter)) {
        if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
        written++;
        shown.update(event.globalPosition, head);
      }
      shown.finish(head, head);
      io.stderr.write(`exported ${written} events\n`);
    } finally {
      if (out !== io.stdout) await new Promise<void>((done) => out.end(done));
    }
  } finally {
    await eventStore.close();
  }
}

function isUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

async function openForWriting(file: string): Promise<NodeJS.WritableStream> {
  const stream = createWriteStream(file);
  await once(stream, 'open'); // rejects with the reason (a directory, no permission) instead of an unhandled 'error'
  return stream;
}
