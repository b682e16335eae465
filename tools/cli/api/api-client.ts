import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../usage-error';

/** How the commands that go through the API reach it. */
export interface ApiOptions {
  url: string;
  key?: string;
  site: string;
  dataDir: string;
}

/** Adds --url, --key, --site and --data-dir to a command that calls the API. */
export function withApiOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the API', process.env['BASE'] ?? 'http://127.0.0.1:3000')
    .option('--key <key>', "an API key (default: $API_KEY, else the standalone server's generated key in --data-dir)")
    .option('--site <siteId>', 'the site', 'default-site')
    .option('--data-dir <dir>', "the standalone server's data directory, for its generated key", process.env['DATA_DIR'] ?? './data');
}

export function apiHeaders(options: ApiOptions): Record<string, string> {
  return { authorization: keyOf(options), 'wix-site-id': options.site };
}

function keyOf(options: ApiOptions): string {
  const key = options.key ?? process.env['API_KEY'];
  if (key) return key;
  const file = join(options.dataDir, 'standalone-api-key.json');
  if (!existsSync(file)) throw new UsageError(`give --key (or API_KEY): there is no ${file}`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { key: string }).key;
}

/** The answer's JSON; a refusal is an error that says what the server said. */
export async function call<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json().catch(() => undefined)) as { message?: string; details?: { validationError?: { fieldViolations?: { field: string; description: string }[] } } } | undefined;
  if (response.ok) return body as T;
  const violations = body?.details?.validationError?.fieldViolations?.map((v) => `${v.field}: ${v.description}`).join('; ');
  throw new Error(`the server answered ${response.status}: ${violations || body?.message || response.statusText}`);
}
