import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { sealContactEvents } from '@cp/contacts-application';
import { DataKeys, EventStore, EventStoreDbEventStore, eventTable, parseMasterKey, PostgresEventStore, SqliteDataKeyStore, SqliteEventStore, withOverrides } from '@cp/event-store';
import { dataKeyStoreAt } from '@cp/runtime';
import { dataKeyEncryptionKeyFile, dataKeysFile, eventStoreFile, loadOrCreateDataKeyEncryptionKey } from './standalone-files';
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

/**
 * The contacts service's events as its own processes read them: personal data opened with the
 * data keys, an erased contact's events redacted (docs/privacy.md). The master key is
 * DATA_KEY_ENCRYPTION_KEY, else the one the standalone app generated into its data directory;
 * the keys are where DATA_KEYS_URL says, else in the MongoDB server of `mongoUrl` when one is
 * given (distributed), else in the app's key file. Closing the store closes the keys too.
 */
export async function openContactEvents(store: EventStore, options: { dataDir: string; mongoUrl?: string }): Promise<EventStore> {
  const dataDir = resolve(options.dataDir);
  const keysUrl = process.env.DATA_KEYS_URL?.trim() || options.mongoUrl;
  const keys = keysUrl ? new DataKeys(await dataKeyStoreAt(keysUrl), masterKeyOf(dataDir)) : openDataKeysOf(dataDir);
  const sealed = sealContactEvents(store, keys);
  return withOverrides(sealed, {
    close: async () => {
      await store.close();
      await keys.close();
    },
  });
}

/** The standalone app's data keys under `dataDir`, with its master key (DATA_KEY_ENCRYPTION_KEY, else the generated one). */
export function openDataKeysOf(dataDir: string): DataKeys {
  const file = dataKeysFile(resolve(dataDir));
  if (!existsSync(file)) throw new UsageError(`no data keys at ${file}: give the data directory of the app (or MONGODB_URL for the distributed services)`);
  return new DataKeys(new SqliteDataKeyStore(file), masterKeyOf(resolve(dataDir)));
}

/** The data keys as the app makes them on its first start of this version: its master key generated when none is given, its key store created. */
export async function openOrCreateDataKeysOf(dataDir: string): Promise<DataKeys> {
  const dir = resolve(dataDir);
  const given = process.env.DATA_KEY_ENCRYPTION_KEY?.trim();
  const keys = new DataKeys(new SqliteDataKeyStore(dataKeysFile(dir)), given ? masterKeyOf(dir) : loadOrCreateDataKeyEncryptionKey(dir));
  await keys.checkMasterKey();
  return keys;
}

function masterKeyOf(dataDir: string): Buffer {
  const given = process.env.DATA_KEY_ENCRYPTION_KEY?.trim();
  if (given) {
    try {
      return parseMasterKey(given);
    } catch (error) {
      throw new UsageError(`DATA_KEY_ENCRYPTION_KEY: ${(error as Error).message}`);
    }
  }
  const file = dataKeyEncryptionKeyFile(dataDir);
  if (!existsSync(file)) throw new UsageError(`no DATA_KEY_ENCRYPTION_KEY, and none generated at ${file}: the contacts' personal data cannot be opened without it`);
  return parseMasterKey(readFileSync(file, 'utf8').trim());
}
