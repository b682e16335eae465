import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataKeyStore, StoredDataKey } from './data-keys';

const BUSY_TIMEOUT_MS = 5000;
const TRUNCATE_ATTEMPTS = 100;
const TRUNCATE_RETRY_MS = 20;

/**
 * Data keys in a SQLite file of their own (the standalone app's `data-keys.sqlite`, shared by its
 * main thread and its webhooks worker). `secure_delete` overwrites a destroyed key's bytes in the
 * file, and a destroy truncates the write-ahead log, where the key's insert was written too.
 */
export class SqliteDataKeyStore implements DataKeyStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('secure_delete = ON');
    // A tombstone has no key: the id stays taken, so an erased subject is never sealed for again.
    this.db.exec('CREATE TABLE IF NOT EXISTS data_keys (key_id TEXT PRIMARY KEY, wrapped BLOB, destroyed_at TEXT)');
    this.statements = {
      find: this.db.prepare<[string], { wrapped: Buffer | null }>('SELECT wrapped FROM data_keys WHERE key_id = ?'),
      add: this.db.prepare('INSERT INTO data_keys (key_id, wrapped) VALUES (?, ?) ON CONFLICT (key_id) DO NOTHING'),
      destroy: this.db.prepare(
        `INSERT INTO data_keys (key_id, wrapped, destroyed_at) VALUES (?, NULL, ?)
         ON CONFLICT (key_id) DO UPDATE SET wrapped = NULL, destroyed_at = COALESCE(destroyed_at, excluded.destroyed_at)`,
      ),
    };
  }

  async find(keyId: string): Promise<StoredDataKey> {
    const row = this.statements.find.get(keyId);
    if (!row) return undefined;
    return row.wrapped ?? 'destroyed';
  }

  async add(keyId: string, wrapped: Buffer): Promise<StoredDataKey> {
    this.statements.add.run(keyId, wrapped);
    return this.find(keyId);
  }

  async destroy(keyId: string): Promise<void> {
    this.statements.destroy.run(keyId, new Date().toISOString());
    // The overwritten page is in the log until a checkpoint copies it back; truncating the log
    // then leaves no copy of the old page on file. A reader on another connection (the other
    // thread) can hold it a moment: try again, briefly.
    for (let attempt = 0; attempt < TRUNCATE_ATTEMPTS; attempt++) {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result.busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, TRUNCATE_RETRY_MS));
    }
    throw new Error(`could not truncate the write-ahead log of the key store ${this.db.name}: readers kept it busy`);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
