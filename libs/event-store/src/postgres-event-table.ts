import type { Pool } from 'pg';
import { RecordedEvent, StoredMetadata } from './event-store.port';
import { inTransaction } from './postgres-transaction';

/** The schema every service's event table lives in, apart from whatever else the database holds. */
export const EVENT_STORE_SCHEMA = 'event_store';

/**
 * Keys of the transaction-scoped advisory locks (two-int form, so they cannot meet a one-key lock
 * another application takes): one serializes the DDL of concurrent first starts, the other one
 * store's appends (see postgres-append.ts).
 */
const SCHEMA_LOCK_CLASS = 0x63705343; // 'cpSC'
export const APPEND_LOCK_CLASS = 0x63704150; // 'cpAP'

/**
 * One store's table: a service's events, e.g. `event_store.extended_fields` for the
 * extended-fields service. Each service keeps a table of its own, as it keeps a SQLite file or an
 * event store of its own elsewhere: its own positions, its own append lock (a busy contacts
 * service never holds back a labels append), its own notification channel (a labels subscriber is
 * not woken by contact writes), and a service's events can be granted, dumped or dropped alone.
 */
export interface EventTable {
  /** The quoted, schema-qualified name, safe to splice into SQL. */
  readonly sql: string;
  /** The LISTEN / NOTIFY channel of its commits, as pg_notify takes it (unquoted). */
  readonly channel: string;
  /** The same, quoted, for LISTEN. */
  readonly channelSql: string;
}

const NAME = /^[a-z][a-z0-9_]{0,47}$/;

/** The table of the store named `name` (a service name; `-` becomes `_`). */
export function eventTable(name: string): EventTable {
  const table = name.replace(/-/g, '_');
  if (!NAME.test(table)) throw new Error(`event store name "${name}": lower-case letters, digits, - and _ only, starting with a letter, at most 48 characters`);
  const channel = `${EVENT_STORE_SCHEMA}.${table}`;
  return { sql: `${EVENT_STORE_SCHEMA}."${table}"`, channel, channelSql: `"${channel}"` };
}

/**
 * Creates the schema and the table if they are missing; safe to run on every open, from several
 * processes at once (concurrent CREATE ... IF NOT EXISTS of one name can still collide in the
 * catalog, so they take turns on an advisory lock).
 *
 * - `global_position`: an identity column (a sequence, CACHE 1), taken under the store's append
 *   lock, so positions grow in commit order (postgres-append.ts). A rolled-back append leaves a
 *   hole that no later commit can fill: readers skip it.
 * - `stream_id` in the "C" collation: compared byte by byte, as the other stores compare names.
 * - `metadata` and `data` as `json`, not `jsonb`: the text as written, as the other stores keep
 *   it (key order, duplicate keys and all); nothing queries inside it.
 */
export async function ensureEventTable(pool: Pool, table: EventTable): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, 0)', [SCHEMA_LOCK_CLASS]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${EVENT_STORE_SCHEMA}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${table.sql} (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream_id text COLLATE "C" NOT NULL,
        stream_revision integer NOT NULL,
        id text NOT NULL UNIQUE,
        type text NOT NULL,
        schema_version integer NOT NULL,
        site_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        metadata json NOT NULL,
        data json NOT NULL,
        UNIQUE (stream_id, stream_revision)
      )`);
  });
}

/** A row as the driver returns it: bigint as text, json parsed, timestamptz as a Date. */
export interface EventRow {
  global_position: string;
  stream_id: string;
  stream_revision: number;
  id: string;
  type: string;
  schema_version: number;
  site_id: string;
  occurred_at: Date;
  metadata: StoredMetadata;
  data: unknown;
}

export const EVENT_COLUMNS = 'global_position, stream_id, stream_revision, id, type, schema_version, site_id, occurred_at, metadata, data';

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    revision: row.stream_revision,
    globalPosition: Number(row.global_position),
    siteId: row.site_id,
    occurredAt: row.occurred_at.toISOString(),
    ...row.metadata,
    data: row.data,
  };
}
