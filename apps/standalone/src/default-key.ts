import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKey } from '@cp/gateway';

export const DEFAULT_SITE_ID = 'default-site';
const KEY_FILE = 'standalone-api-key.json';

/**
 * With no API_KEYS, the standalone app is still closed: it generates one full-access key for a
 * default site on first start, stores it (mode 0600) under DATA_DIR and says so; never an open door.
 */
export function loadOrCreateDefaultKey(dataDir: string): { key: ApiKey; file: string; created: boolean } {
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) return { key: JSON.parse(readFileSync(file, 'utf8')) as ApiKey, file, created: false };
  mkdirSync(dataDir, { recursive: true });
  const key: ApiKey = { key: `cp_${randomBytes(24).toString('base64url')}`, sites: [DEFAULT_SITE_ID], scopes: ['*'], name: 'standalone-default' };
  writeFileSync(file, JSON.stringify(key, null, 2), { mode: 0o600 });
  return { key, file, created: true };
}
