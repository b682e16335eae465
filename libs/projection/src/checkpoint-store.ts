import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where a projection's checkpoint (the last global position it handled) is kept. */
export interface CheckpointStore {
  load(projection: string): Promise<number>;
  save(projection: string, position: number): Promise<void>;
}

/**
 * Checkpoints in a SQLite file of their own: for the standalone app's relays and process
 * managers whose output is durable (a public event in the webhooks feed, a delivery in the
 * event store) while the read store beside them is in memory and rebuilt at every start. They
 * resume where they stopped instead of replaying everything, which would only find repeats.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec('CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL)');
    this.statements = {
      load: this.db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE name = ?'),
      save: this.db.prepare(
        'INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
      ),
    };
  }

  async load(projection: string): Promise<number> {
    return this.statements.load.get(projection)?.position ?? 0;
  }

  async save(projection: string, position: number): Promise<void> {
    if (this.db.open) this.statements.save.run(projection, position, new Date().toISOString());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
