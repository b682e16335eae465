import { join, resolve } from 'node:path';
import { EventStore, EventStoreDbEventStore, SqliteEventStore } from '@cp/event-store';
import { MongoReadStore } from '@cp/read-store';
import { EnvReader } from './env';

export interface StoreConfig {
  eventStoreUrl?: string;
  dataDir: string;
  mongoUrl: string;
}

/**
 * EVENTSTORE_URL selects EventStoreDB / KurrentDB; without it a service keeps its events in a
 * SQLite file under DATA_DIR (one writer: run that service as a single instance).
 * MONGODB_URL is required: read models live in MongoDB in distributed mode.
 */
export function readStoreConfig(env: EnvReader): StoreConfig {
  return {
    eventStoreUrl: env.optional('EVENTSTORE_URL'),
    dataDir: resolve(env.optional('DATA_DIR') ?? './data'),
    mongoUrl: env.required('MONGODB_URL', 'the MongoDB connection string for read models, e.g. mongodb://mongo:27017'),
  };
}

export function openEventStore(config: StoreConfig, service: string): EventStore {
  return config.eventStoreUrl ? new EventStoreDbEventStore(config.eventStoreUrl) : new SqliteEventStore(join(config.dataDir, `${service}-events.sqlite`));
}

/** Each service has a database of its own. */
export function openReadStore(config: StoreConfig, database: string): Promise<MongoReadStore> {
  return new MongoReadStore(config.mongoUrl, database).connect();
}
