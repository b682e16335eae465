import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EventStore, EventStoreDbEventStore, eventTable, PostgresEventStore, SqliteEventStore } from '@cp/event-store';
import { eventStoreFile } from './standalone-files';
import { UsageError } from './usage-error';

/** The services that keep an event store of their own. */
export const SERVICES = ['contacts', 'labels', 'extended-fields'] as const;
export type Service = (typeof SERVICES)[number];

const EVENTSTORE_DB_URL = /^(esdb|kurrentdb|esdb\+discover|kdb):/;
const POSTGRES_URL = /^postgres(ql)?:/;

/** Where a command reads a service's events: an EventStoreDB or PostgreSQL URL, else a SQLite file (by default the standalone app's under DATA_DIR). */
export function eventStoreTarget(options: { eventStore?: string; dataDir: string }, service: Service): string {
  return options.eventStore ?? eventStoreFile(resolve(options.dataDir), service);
}

/**
 * Opens `service`'s event store, which must already exist. SqliteEventStore creates its file (and
 * the directories above it) when missing, and PostgresEventStore its table, so a mistyped path or
 * database would read as an empty store; each is checked first, and nothing is written anywhere
 * when it is refused.
 */
export async function openExistingEventStore(target: string, service: Service): Promise<EventStore> {
  if (EVENTSTORE_DB_URL.test(target)) return new EventStoreDbEventStore(target);
  if (POSTGRES_URL.test(target)) {
    if (!(await PostgresEventStore.exists(target, service))) throw new UsageError(`no ${service} event store in that PostgreSQL database (no table ${eventTable(service).sql})`);
    return new PostgresEventStore(target, { name: service });
  }
  const file = resolve(target);
  checkSqliteEventStore(file);
  return new SqliteEventStore(file);
}

/** Refuses unless `file` is a SQLite file with an events table (another SQLite file, such as a read store, would get one). */
export function checkSqliteEventStore(file: string): void {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new UsageError(`no event store at ${file}`);
  if (!stat.isFile()) throw new UsageError(`${file} is not a file, so not a SQLite event store`);
  let hasEvents: boolean;
  try {
    // Read-write, not read-only: a read-only connection would leave the -wal and -shm files of a WAL database behind.
    const db = new Database(file, { fileMustExist: true });
    try {
      hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() !== undefined;
    } finally {
      db.close();
    }
  } catch (error) {
    throw new UsageError(`${file} is not a SQLite database (${(error as Error).message})`);
  }
  if (!hasEvents) throw new UsageError(`${file} is a SQLite database but not an event store (no events table)`);
}
