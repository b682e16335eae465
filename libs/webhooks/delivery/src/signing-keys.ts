import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The RSA key that signs Wix-style webhooks; receivers verify with `publicKeyPem`. */
export interface SigningKeys {
  privateKey: KeyObject;
  /** SPKI PEM: what a receiver passes to `AppStrategy({ publicKey })`. */
  publicKeyPem: string;
  /** A short hash of the public key, sent as the JWT `kid`. */
  keyId: string;
}

export const SIGNING_KEY_FILE = 'webhook-signing-key.pem';

/**
 * The signing key from `privateKeyPem` (WEBHOOK_PRIVATE_KEY, PKCS#8 or PKCS#1) when given;
 * otherwise the key kept in `<dataDir>/webhook-signing-key.pem`, generated at first start.
 */
export function loadSigningKeys(options: { privateKeyPem?: string; dataDir?: string }): SigningKeys {
  if (options.privateKeyPem?.trim()) return keysOf(parsePrivateKey(options.privateKeyPem, 'WEBHOOK_PRIVATE_KEY'));
  if (!options.dataDir) throw new Error('Webhook signing key: set WEBHOOK_PRIVATE_KEY or give a data directory to keep a generated key in');
  const file = join(options.dataDir, SIGNING_KEY_FILE);
  return keysOf(parsePrivateKey(readOrCreateKeyFile(file), file));
}

function parsePrivateKey(pem: string, source: string): KeyObject {
  // Environment variables often carry the PEM with escaped newlines.
  const text = pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch (error) {
    throw new Error(`${source} is not a valid PEM private key (PKCS#8 or PKCS#1 RSA): ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`${source} must be an RSA key (RS256), got ${key.asymmetricKeyType}`);
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new Error(`${source} must be an RSA key of at least 2048 bits`);
  return key;
}

function keysOf(privateKey: KeyObject): SigningKeys {
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: createHash('sha256').update(der).digest('base64url').slice(0, 16),
  };
}

function readOrCreateKeyFile(file: string): string {
  const existing = readIfExists(file);
  if (existing !== undefined) return existing;
  mkdirSync(dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // Written whole to a temporary file, then linked into place: never a partial key, and when two
  // processes start at once, link fails for the second, which then uses the first one's key.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return readFileSync(file, 'utf8');
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
