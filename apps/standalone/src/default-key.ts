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

const DATA_KEY_ENCRYPTION_KEY_FILE = 'data-key-encryption-key';

/** Where the generated master key is kept (the replay tools read it from there too). */
export function dataKeyEncryptionKeyFile(dataDir: string): string {
  return join(dataDir, DATA_KEY_ENCRYPTION_KEY_FILE);
}

/**
 * The master key of the data keys (docs/privacy.md), generated on first start like the API key.
 * Kept beside the data, it protects nothing against a copy of DATA_DIR; what it makes possible is
 * erasure: a destroyed data key cannot be unwrapped again from anywhere.
 */
export function loadOrCreateDataKeyEncryptionKey(dataDir: string): Buffer {
  const file = dataKeyEncryptionKeyFile(dataDir);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}

const UNSUBSCRIBE_SECRET_FILE = 'unsubscribe-link-secret';

/** The key unsubscribe links are signed with, generated on first start like the API key, so links survive restarts. */
export function loadOrCreateUnsubscribeSecret(dataDir: string): Uint8Array {
  const file = join(dataDir, UNSUBSCRIBE_SECRET_FILE);
  if (existsSync(file)) return new Uint8Array(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('base64'), { mode: 0o600 });
  return new Uint8Array(secret);
}
