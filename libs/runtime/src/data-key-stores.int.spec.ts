import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataKeyStore, InMemoryDataKeyStore, PostgresDataKeyStore, SqliteDataKeyStore } from '@cp/event-store';
import { MongoDataKeyStore } from './data-keys';

/** What every data-key store does (docs/privacy.md): the first key of an id wins, and a destroyed id stays taken for good. */
function describeDataKeyStore(name: string, open: () => Promise<DataKeyStore>): void {
  describe(`DataKeyStore contract: ${name}`, () => {
    let store: DataKeyStore;
    const id = () => `contact:site-${randomBytes(4).toString('hex')}:c1`;
    beforeAll(async () => (store = await open()));
    afterAll(() => store.close());

    it('keeps the first key an id is given', async () => {
      const keyId = id();
      const [first, second] = [randomBytes(60), randomBytes(60)];
      expect(await store.find(keyId)).toBeUndefined();
      expect(await store.add(keyId, first)).toEqual(first);
      expect(await store.add(keyId, second)).toEqual(first);
      expect(await store.find(keyId)).toEqual(first);
    });

    it('answers every one of concurrent first adds of an id with the one key that won', async () => {
      const keyId = id();
      const offered = Array.from({ length: 8 }, () => randomBytes(60));
      const answers = await Promise.all(offered.map((wrapped) => store.add(keyId, wrapped)));
      const kept = await store.find(keyId);
      expect(offered).toContainEqual(kept);
      for (const answer of answers) expect(answer).toEqual(kept);
    });

    it('destroys a key for good: a tombstone, never a new key', async () => {
      const keyId = id();
      await store.add(keyId, randomBytes(60));
      await store.destroy(keyId);
      expect(await store.find(keyId)).toBe('destroyed');
      expect(await store.add(keyId, randomBytes(60))).toBe('destroyed');
      await store.destroy(keyId); // again: nothing happens
      const never = id();
      await store.destroy(never); // an id that never had a key is taken too
      expect(await store.add(never, randomBytes(60))).toBe('destroyed');
    });
  });
}

describeDataKeyStore('in memory', async () => new InMemoryDataKeyStore());

const dir = mkdtempSync(join(tmpdir(), 'data-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
describeDataKeyStore('sqlite', async () => new SqliteDataKeyStore(join(dir, 'data-keys.sqlite')));

const mongoUrl = process.env.MONGODB_URL;
if (mongoUrl) {
  describeDataKeyStore('mongodb', () => MongoDataKeyStore.connect(mongoUrl));
} else {
  describe('DataKeyStore contract: mongodb', () => {
    it.skip('skipped: MONGODB_URL is not set (tools/infra starts a MongoDB-wire server for it; test:distributed runs it)', () => undefined);
  });
  console.log('MongoDB data-key store suite skipped: set MONGODB_URL (e.g. mongodb://127.0.0.1:27017) to run it.');
}

const postgresUrl = process.env.POSTGRES_URL;
if (postgresUrl) {
  describeDataKeyStore('postgresql', () => PostgresDataKeyStore.connect(postgresUrl));
} else {
  describe('DataKeyStore contract: postgresql', () => {
    it.skip('skipped: POSTGRES_URL is not set (tools/infra/postgres.sh starts a PostgreSQL server for it; .ci/run sets it)', () => undefined);
  });
  console.log('PostgreSQL data-key store suite skipped: set POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:15432/postgres) to run it.');
}
