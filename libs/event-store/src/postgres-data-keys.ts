import { Pool } from 'pg';
import { DataKeyStore, StoredDataKey } from './data-keys';
import { inTransaction } from './postgres-transaction';

/** Serializes the DDL of replicas starting together (two-int advisory lock; see postgres-event-table.ts). */
const SCHEMA_LOCK_CLASS = 0x63704b53; // 'cpKS'
const SCHEMA_LOCK_KEY = 0;
/** A few connections: a key operation is one short statement. */
const MAX_CONNECTIONS = 4;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Data keys in a PostgreSQL table of their own (`data_keys.keys`), for a deployment whose events
 * are in PostgreSQL: a database of its own is best (DATA_KEYS_URL), so that the event store's
 * backups and grants never include the keys. A destroy sets the key to NULL; PostgreSQL keeps the
 * old row version until VACUUM reclaims it (autovacuum, or `VACUUM data_keys.keys`), as MongoDB
 * keeps old bytes until it compacts (docs/privacy.md).
 */
export class PostgresDataKeyStore implements DataKeyStore {
  private readonly pool: Pool;
  private readonly ready: Promise<void>;

  private constructor(connectionString: string) {
    this.pool = new Pool({ connectionString, max: MAX_CONNECTIONS, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'contacts-platform data keys' });
    // An idle pooled connection that fails (the server restarted) is dropped; unheard, its 'error' would end the process.
    this.pool.on('error', () => undefined);
    this.ready = inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [SCHEMA_LOCK_CLASS, SCHEMA_LOCK_KEY]);
      await client.query('CREATE SCHEMA IF NOT EXISTS data_keys');
      // A tombstone has no key: the id stays taken, so an erased subject is never sealed for again.
      await client.query('CREATE TABLE IF NOT EXISTS data_keys.keys (key_id text COLLATE "C" PRIMARY KEY, wrapped bytea, destroyed_at timestamptz)');
    });
  }

  /** Opened once its table is there: a wrong URL or a server that is down stops the service at start. */
  static async connect(connectionString: string): Promise<PostgresDataKeyStore> {
    const store = new PostgresDataKeyStore(connectionString);
    try {
      await store.ready;
    } catch (error) {
      await store.pool.end();
      throw error;
    }
    return store;
  }

  async find(keyId: string): Promise<StoredDataKey> {
    const { rows } = await this.pool.query<{ wrapped: Buffer | null }>('SELECT wrapped FROM data_keys.keys WHERE key_id = $1', [keyId]);
    if (rows.length === 0) return undefined;
    return rows[0].wrapped ?? 'destroyed';
  }

  /**
   * One round trip: the insert's row when it made one, else the row the id had when the statement
   * began. A concurrent first insert of the same id commits after that snapshot, so neither part
   * sees it: then it is read again.
   */
  async add(keyId: string, wrapped: Buffer): Promise<StoredDataKey> {
    const { rows } = await this.pool.query<{ wrapped: Buffer | null }>(
      `WITH inserted AS (
         INSERT INTO data_keys.keys (key_id, wrapped) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING RETURNING wrapped
       )
       SELECT wrapped FROM inserted UNION ALL SELECT wrapped FROM data_keys.keys WHERE key_id = $1`,
      [keyId, wrapped],
    );
    if (rows.length === 0) return this.find(keyId);
    return rows[0].wrapped ?? 'destroyed';
  }

  async destroy(keyId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO data_keys.keys (key_id, wrapped, destroyed_at) VALUES ($1, NULL, now())
       ON CONFLICT (key_id) DO UPDATE SET wrapped = NULL, destroyed_at = COALESCE(data_keys.keys.destroyed_at, excluded.destroyed_at)`,
      [keyId],
    );
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}
