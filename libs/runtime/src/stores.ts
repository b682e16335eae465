import { join } from 'node:path';
import { EventStore, EventStoreDbEventStore, keepTraceContext, observeAppends, PostgresEventStore, SqliteEventStore } from '@cp/event-store';
import { processMetrics } from '@cp/observability';
import { MongoReadStore } from '@cp/read-store';
import { connectionUrl, directory, directoryIsWritable, EnvRule, EnvValues, optionalConnectionUrl } from '@cp/config';

export interface StoreConfig {
  eventStoreUrl?: string;
  dataDir: string;
  mongoUrl: string;
}

const POSTGRES_SCHEMES = ['postgres', 'postgresql'];

/** Whether a URL names a PostgreSQL server (postgres:// or postgresql://). */
export function isPostgresUrl(url: string): boolean {
  return POSTGRES_SCHEMES.includes(url.slice(0, url.indexOf(':')));
}

/**
 * EVENTSTORE_URL selects the shared event store by its scheme: EventStoreDB / KurrentDB (esdb://),
 * or PostgreSQL (postgres://, a table per service); without it a service keeps its events in a
 * SQLite file under DATA_DIR (one writer: run that service as a single instance).
 * MONGODB_URL is required: read models live in MongoDB in distributed mode.
 */
export const storeVariables = {
  MONGODB_URL: connectionUrl(['mongodb', 'mongodb+srv'], { description: 'MongoDB for the read models; each service uses a database of its own.', example: 'mongodb://mongo:27017' }),
  EVENTSTORE_URL: optionalConnectionUrl(['esdb', 'esdb+discover', ...POSTGRES_SCHEMES], {
    description: 'where the events are kept: EventStoreDB / KurrentDB (esdb://), or PostgreSQL (postgres://; each service in a table of its own, event_store.<service>, created at start).',
    example: 'esdb://eventstore:2113?tls=false',
    unset: 'the service keeps its events in a SQLite file under DATA_DIR (then run it as a single instance)',
  }),
  DATA_DIR: directory('./data', { description: 'directory of the SQLite event files when EVENTSTORE_URL is unset; created if missing, and it must be writable.' }),
};

/** DATA_DIR is checked only when the events are kept there. */
export const storeRules: EnvRule<typeof storeVariables>[] = [directoryIsWritable('DATA_DIR', { uses: ['EVENTSTORE_URL'], when: (values) => !values.EVENTSTORE_URL })];

export function storeSettings(values: EnvValues<typeof storeVariables>): StoreConfig {
  return { mongoUrl: values.MONGODB_URL, eventStoreUrl: values.EVENTSTORE_URL, dataDir: values.DATA_DIR };
}

/**
 * The service's event store, its appends timed (event_store_append_duration_seconds), each event
 * kept with the trace of the request that wrote it (for the relays to publish it in).
 */
export function openEventStore(config: StoreConfig, service: string): EventStore {
  const store = config.eventStoreUrl ? eventStoreAt(config.eventStoreUrl, service) : new SqliteEventStore(join(config.dataDir, `${service}-events.sqlite`));
  return observeAppends(keepTraceContext(store), () => processMetrics().timeAppend(service));
}

/** The server EVENTSTORE_URL names, by its scheme: PostgreSQL (the service's own table) or EventStoreDB. */
export function eventStoreAt(url: string, service: string): EventStore {
  return isPostgresUrl(url) ? new PostgresEventStore(url, { name: service }) : new EventStoreDbEventStore(url);
}

/** Each service has a database of its own. */
export function openReadStore(config: StoreConfig, database: string): Promise<MongoReadStore> {
  return new MongoReadStore(config.mongoUrl, database).connect();
}
