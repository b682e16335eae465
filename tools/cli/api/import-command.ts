import { Command, Option } from 'commander';
import { existsSync, openAsBlob, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { CliIo } from '../cli-io';
import { progress } from '../progress';
import { UsageError } from '../usage-error';
import { apiHeaders, ApiOptions, call, withApiOptions } from './api-client';

/** How often the import's progress is read while it runs. */
const POLL_MS = 500;

interface ImportOptions extends ApiOptions {
  mapping?: string;
  onDuplicate: string;
  dryRun?: boolean;
  format?: string;
  delimiter?: string;
  encoding?: string;
  errors?: string;
}

interface ImportView {
  id: string;
  status: string;
  totalRows?: number;
  processedRows: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  failure?: { code: string; description: string };
}

/**
 * `contacts-platform import <file>`: uploads a CSV or JSON Lines file to a running server's
 * POST /contacts/v4/imports (the API, so the server's checks and rules apply; docs/api.md,
 * "Imports"), follows it with a progress bar and prints a summary; `--errors` saves the CSV of
 * failed rows. Exit code 0 once it completed (rows may have failed: see the summary), 1 otherwise.
 */
export function registerImportCommand(program: Command, io: CliIo): void {
  withApiOptions(program.command('import').description('import contacts from a CSV or JSON Lines file through the API, with a progress bar and a summary'))
    .argument('<file>', 'the CSV or JSON Lines file')
    .option('--mapping <json|@file>', 'column → target, as JSON or @ and a file holding it (docs/api.md, "Imports")')
    .addOption(new Option('--on-duplicate <policy>', 'what a row whose email or phone a contact has does').choices(['SKIP', 'UPDATE', 'CREATE']).default('SKIP'))
    .option('--dry-run', 'check every row and count what would happen; write nothing')
    .addOption(new Option('--format <format>', 'default: by the file name').choices(['CSV', 'JSONL']))
    .option('--delimiter <char>', 'CSV: default, the header line\'s most frequent of , ; and tab')
    .option('--encoding <name>', 'utf-8 (default), latin1, utf-16le')
    .option('--errors <file>', 'write the failed rows, with the reason for each, to this CSV file')
    .action((file: string, options: ImportOptions) => runImport(file, options, io));
}

async function runImport(file: string, options: ImportOptions, io: CliIo): Promise<void> {
  if (!existsSync(file)) throw new UsageError(`no file ${file}`);
  const headers = apiHeaders(options);
  const form = new FormData();
  const mapping = mappingOf(options.mapping);
  if (mapping !== undefined) form.append('mapping', mapping);
  form.append('onDuplicate', options.onDuplicate);
  form.append('dryRun', String(options.dryRun === true));
  if (options.format) form.append('format', options.format);
  if (options.delimiter) form.append('delimiter', options.delimiter);
  if (options.encoding) form.append('encoding', options.encoding);
  // A Blob backed by the file: fetch streams it, the file is never read whole.
  form.append('file', await openAsBlob(file), basename(file));
  io.stderr.write(`uploading ${file} to ${options.url} (site ${options.site})${options.dryRun ? ', dry run' : ''}\n`);
  let current = (await call<{ import: ImportView }>(`${options.url}/contacts/v4/imports`, { method: 'POST', headers, body: form })).import;
  const bar = progress(`import ${current.id}`, io.stderr);
  while (current.status === 'QUEUED' || current.status === 'RUNNING' || current.status === 'UPLOADING') {
    bar.update(current.processedRows, current.totalRows ?? 0);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    current = (await call<{ import: ImportView }>(`${options.url}/contacts/v4/imports/${current.id}`, { headers })).import;
  }
  bar.finish(current.processedRows, current.totalRows ?? 0);
  io.stderr.write(
    `${current.status}: ${current.processedRows} of ${current.totalRows ?? 0} rows; ${current.created} created, ${current.updated} updated, ${current.skipped} skipped, ${current.failed} failed${options.dryRun ? ' (dry run: nothing written)' : ''}\n`,
  );
  if (current.failed > 0 && options.errors) {
    const response = await fetch(`${options.url}/contacts/v4/imports/${current.id}/errors`, { headers });
    if (!response.ok) throw new Error(`reading the failed rows answered ${response.status}`);
    writeFileSync(options.errors, Buffer.from(await response.arrayBuffer()));
    io.stderr.write(`the failed rows are in ${options.errors}\n`);
  } else if (current.failed > 0) io.stderr.write(`--errors <file> saves the failed rows with their reasons (GET /contacts/v4/imports/${current.id}/errors)\n`);
  if (current.status !== 'COMPLETED') throw new Error(`the import ended ${current.status}${current.failure ? `: ${current.failure.description}` : ''}`);
}

function mappingOf(given: string | undefined): string | undefined {
  if (given === undefined) return undefined;
  const text = given.startsWith('@') ? readFileSync(given.slice(1), 'utf8') : given;
  try {
    JSON.parse(text);
  } catch {
    throw new UsageError('--mapping must be JSON (or @ and a file holding it)');
  }
  return text;
}
