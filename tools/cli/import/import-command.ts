import { Command, Option } from 'commander';
import { existsSync, openAsBlob, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CliIo } from '../cli-io';
import { progress } from '../progress';
import { UsageError } from '../usage-error';

/** How often the import's progress is read while it runs. */
const POLL_MS = 500;

interface ImportOptions {
  url: string;
  key?: string;
  site: string;
  dataDir: string;
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
  program
    .command('import')
    .description('import contacts from a CSV or JSON Lines file through the API, with a progress bar and a summary')
    .argument('<file>', 'the CSV or JSON Lines file')
    .option('--url <url>', 'the API', process.env['BASE'] ?? 'http://127.0.0.1:3000')
    .option('--key <key>', "an API key (default: $API_KEY, else the standalone server's generated key in --data-dir)")
    .option('--site <siteId>', 'the site to import into', 'default-site')
    .option('--data-dir <dir>', "the standalone server's data directory, for its generated key", process.env['DATA_DIR'] ?? './data')
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
  const headers = { authorization: keyOf(options), 'wix-site-id': options.site };
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

function keyOf(options: ImportOptions): string {
  const key = options.key ?? process.env['API_KEY'];
  if (key) return key;
  const file = join(options.dataDir, 'standalone-api-key.json');
  if (!existsSync(file)) throw new UsageError(`give --key (or API_KEY): there is no ${file}`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { key: string }).key;
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

/** The answer's JSON; a refusal is an error that says what the server said. */
async function call<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json().catch(() => undefined)) as { message?: string; details?: { validationError?: { fieldViolations?: { field: string; description: string }[] } } } | undefined;
  if (response.ok) return body as T;
  const violations = body?.details?.validationError?.fieldViolations?.map((v) => `${v.field}: ${v.description}`).join('; ');
  throw new Error(`the server answered ${response.status}: ${violations || body?.message || response.statusText}`);
}
