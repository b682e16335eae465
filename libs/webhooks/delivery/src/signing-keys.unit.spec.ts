import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningKeys, SIGNING_KEY_FILE } from './signing-keys';

describe('loadSigningKeys', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'webhook-keys-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('takes a PKCS#8 or a PKCS#1 PEM and gives the SPKI public key and a short key id', () => {
    const pkcs8 = loadSigningKeys({ privateKeyPem: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const pkcs1 = loadSigningKeys({ privateKeyPem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() });
    const expected = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(pkcs8.publicKeyPem).toBe(expected);
    expect(pkcs8.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pkcs1.publicKeyPem).toBe(expected);
    expect(pkcs8.keyId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(pkcs1.keyId).toBe(pkcs8.keyId);
  });

  it('takes a PEM whose newlines an environment variable escaped', () => {
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n');
    expect(loadSigningKeys({ privateKeyPem: pem }).publicKeyPem).toBe(rsa.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('refuses a malformed PEM, naming WEBHOOK_PRIVATE_KEY', () => {
    expect(() => loadSigningKeys({ privateKeyPem: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' })).toThrow(
      /WEBHOOK_PRIVATE_KEY/,
    );
    expect(() => loadSigningKeys({ privateKeyPem: 'not a key' })).toThrow(/WEBHOOK_PRIVATE_KEY/);
  });

  it('refuses a key that is not RSA', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadSigningKeys({ privateKeyPem: ec })).toThrow(/WEBHOOK_PRIVATE_KEY must be an RSA key/);
  });

  it('generates a key at first start, keeps it with mode 0600 and reuses it later', () => {
    const first = loadSigningKeys({ dataDir: join(dataDir, 'nested') });
    const file = join(dataDir, 'nested', SIGNING_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const second = loadSigningKeys({ dataDir: join(dataDir, 'nested') });
    expect(second.keyId).toBe(first.keyId);
    expect(createPublicKey(readFileSync(file, 'utf8')).export({ type: 'spki', format: 'pem' })).toBe(first.publicKeyPem);
  });

  it('prefers WEBHOOK_PRIVATE_KEY over the kept key', () => {
    loadSigningKeys({ dataDir });
    const given = loadSigningKeys({ dataDir, privateKeyPem: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(given.publicKeyPem).toBe(rsa.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('names the file when the kept key is damaged', () => {
    writeFileSync(join(dataDir, SIGNING_KEY_FILE), 'garbage');
    expect(() => loadSigningKeys({ dataDir })).toThrow(SIGNING_KEY_FILE);
  });

  it('needs one of the two', () => {
    expect(() => loadSigningKeys({})).toThrow(/WEBHOOK_PRIVATE_KEY/);
  });
});
