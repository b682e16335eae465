import { Binary, Collection, MongoClient } from 'mongodb';
import { EnvValues, optionalConnectionUrl, requiredSecret } from '@cp/config';
import { DataKeys, DataKeyStore, PostgresDataKeyStore, StoredDataKey } from '@cp/event-store';
import { isPostgresUrl, StoreConfig } from './stores';

/** The master key the services that seal personal data (contacts, webhooks) wrap their data keys with. */
export const dataKeyVariables = {
  DATA_KEY_ENCRYPTION_KEY: requiredSecret(32, {
    description:
      'the master key (32 bytes, base64) that wraps the per-contact data keys personal data is sealed with (docs/privacy.md); the same for every replica of the contacts and webhooks services. Keep it in a secret store: without it nothing sealed can be read.',
    example: 'openssl rand -base64 32',
  }),
  DATA_KEYS_URL: optionalConnectionUrl(['mongodb', 'mongodb+srv', 'postgres', 'postgresql'], {
    description:
      'where the data keys are kept, apart from the events: a MongoDB server (database data-keys) or a PostgreSQL database (table data_keys.keys, created at start; best a database of its own). The same for every replica of the contacts and webhooks services.',
    example: 'postgres://keys@postgres:5432/data_keys',
    unset: 'the MongoDB server of MONGODB_URL, database data-keys',
  }),
};

/** Where the distributed services keep data keys: one MongoDB database they share, never the event store. */
const DATA_KEYS_DATABASE = 'data-keys';

interface DataKeyDocument {
  _id: string;
  /** The wrapped key; null once destroyed (the tombstone keeps the id taken). */
  wrapped: Binary | null;
  destroyedAt?: string;
}

/**
 * Data keys in a MongoDB collection. A destroy unsets the key in place; the storage engine frees
 * the old bytes as it compacts, so the key is unreadable through MongoDB at once and gone from
 * its files later (docs/privacy.md says what that means for erasure).
 */
export class MongoDataKeyStore implements DataKeyStore {
  private readonly keys: Collection<DataKeyDocument>;

  private constructor(private readonly client: MongoClient) {
    this.keys = client.db(DATA_KEYS_DATABASE).collection<DataKeyDocument>('data_keys');
  }

  static async connect(url: string): Promise<MongoDataKeyStore> {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    return new MongoDataKeyStore(client);
  }

  /** From the primary: a key just added by another replica is there, whatever the URL's read preference. */
  async find(keyId: string): Promise<StoredDataKey> {
    const doc = await this.keys.findOne({ _id: keyId }, { readPreference: 'primary' });
    if (!doc) return undefined;
    return doc.wrapped ? Buffer.from(doc.wrapped.buffer) : 'destroyed';
  }

  /**
   * A read first (most calls are for an id that has its key: another service's, or this one's
   * after a restart), then an insert, which the unique `_id` lets only the id's first key win; a
   * duplicate reads the winner's. Not a findOneAndUpdate upsert: on CI's MongoDB-wire server one
   * that matches a document scans the collection (it re-asserts the query beside the `_id`, which
   * its planner cannot use).
   */
  async add(keyId: string, wrapped: Buffer): Promise<StoredDataKey> {
    const stored = await this.find(keyId);
    if (stored !== undefined) return stored;
    try {
      await this.keys.insertOne({ _id: keyId, wrapped: new Binary(wrapped) });
      return wrapped;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    return this.find(keyId);
  }

  async destroy(keyId: string): Promise<void> {
    await this.keys.updateOne({ _id: keyId }, { $set: { wrapped: null, destroyedAt: new Date().toISOString() } }, { upsert: true });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export interface DataKeySettings {
  masterKey: Buffer;
  /** Unset: MONGODB_URL's server. */
  url?: string;
}

export function dataKeySettings(values: EnvValues<typeof dataKeyVariables>): DataKeySettings {
  return { masterKey: values.DATA_KEY_ENCRYPTION_KEY, url: values.DATA_KEYS_URL };
}

/** The key store a URL names by its scheme: a PostgreSQL database, or a MongoDB server. */
export function dataKeyStoreAt(url: string): Promise<DataKeyStore> {
  return isPostgresUrl(url) ? PostgresDataKeyStore.connect(url) : MongoDataKeyStore.connect(url);
}

/** The data keys of a distributed service: where DATA_KEYS_URL says, else in MONGODB_URL's server. */
export async function openDataKeys(stores: StoreConfig, settings: DataKeySettings): Promise<DataKeys> {
  const keys = new DataKeys(await dataKeyStoreAt(settings.url ?? stores.mongoUrl), settings.masterKey);
  await keys.checkMasterKey();
  return keys;
}
