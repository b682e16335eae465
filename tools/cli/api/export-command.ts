import { Command, Option } from 'commander';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { CliIo } from '../cli-io';
import { progress } from '../progress';
import { UsageError } from '../usage-error';
import { apiHeaders, ApiOptions, call, withApiOptions } from './api-client';

interface ExportOptions extends ApiOptions {
  filter?: string;
  search?: string;
  format: 'CSV' | 'JSONL';
  out?: string;
}

/**
 * `contacts-platform export`: creates an export on a running server (POST /contacts/v4/exports,
 * docs/api.md, "Exports") and streams its file to --out or stdout, with progress on stderr and a
 * summary. The file shows the contacts as they were when the export began.
 */
export function registerExportCommand(program: Command, io: CliIo): void {
  withApiOptions(program.command('export').description('export contacts as CSV or JSON Lines through the API, as they are when it begins'))
    .option('--filter <json>', 'a Query Contacts filter (default: every contact)')
    .option('--search <text>', 'a Query Contacts search')
    .addOption(new Option('--format <format>', 'CSV: columns the import reads back; JSONL: whole contacts').choices(['CSV', 'JSONL']).default('CSV'))
    .option('--out <file>', 'where the file goes (default: stdout)')
    .action((options: ExportOptions) => runExport(options, io));
}

async function runExport(options: ExportOptions, io: CliIo): Promise<void> {
  const headers = apiHeaders(options);
  const filter = options.filter === undefined ? undefined : parseFilter(options.filter);
  const body = JSON.stringify({ ...(filter && { filter }), ...(options.search && { search: options.search }), format: options.format });
  const { export: created } = await call<{ export: { id: string; totalContacts: number } }>(`${options.url}/contacts/v4/exports`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
  io.stderr.write(`export ${created.id}: ${created.totalContacts} contacts, as of now\n`);
  const response = await fetch(`${options.url}/contacts/v4/exports/${created.id}/file`, { headers });
  if (!response.ok || !response.body) throw new Error(`reading the export's file answered ${response.status}`);
  const bar = progress(`export ${created.id}`, io.stderr);
  let lines = 0;
  const header = options.format === 'CSV' ? 1 : 0;
  // Counts lines as they pass, for the bar (a CSV's first is its header).
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (const byte of chunk) if (byte === 10) lines++;
      bar.update(Math.max(0, lines - header), created.totalContacts);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as WebReadableStream), counting, options.out ? createWriteStream(options.out) : io.stdout);
  bar.finish(created.totalContacts, created.totalContacts);
  io.stderr.write(`exported ${created.totalContacts} contacts${options.out ? ` to ${options.out}` : ''}\n`);
}

function parseFilter(text: string): Record<string, unknown> {
  try {
    const filter = JSON.parse(text);
    if (typeof filter === 'object' && filter !== null && !Array.isArray(filter)) return filter;
  } catch {
    // refused below
  }
  throw new UsageError('--filter must be a JSON object');
}
