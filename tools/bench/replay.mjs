// Rebuilds the contacts read model from zero, in its own process, with the compiled libs in
// dist/: a fresh read store, the contacts projection from position 0 over the contacts event
// store (<DATA_DIR>/contacts-events.sqlite, or --postgres <url>: the contacts table there), timed
// from start to caught up.
//   node tools/bench/replay.mjs <DATA_DIR>                   a fresh in-memory read store (standalone's default)
//   node tools/bench/replay.mjs <DATA_DIR> --sqlite          a fresh SQLite read store beside it (READ_STORE=sqlite), deleted afterwards
//   node tools/bench/replay.mjs <DATA_DIR> --mongo <url>     a fresh MongoDB database (distributed):
//       [--database <name>] (default bench_replay_<time>_<pid>), dropped afterwards unless --keep-database
//   --data-keys <url>   the apps' key store (MongoDB or PostgreSQL) instead of <DATA_DIR>/data-keys.sqlite; the master key
//       is DATA_KEY_ENCRYPTION_KEY, else <DATA_DIR>/data-key-encryption-key
// Prints one JSON line; also sends it over IPC.
import { createRequire } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { mongo: { type: 'string' }, postgres: { type: 'string' }, 'data-keys': { type: 'string' }, sqlite: { type: 'boolean', default: false }, database: { type: 'string' }, 'keep-database': { type: 'boolean', default: false } },
});
const dataDir = resolve(positionals[0] ?? 'data');

require('reflect-metadata');
const { DataKeys, PostgresEventStore, SqliteDataKeyStore, SqliteEventStore, eventTable, parseMasterKey } = require(join(root, 'dist/libs/event-store/src/index.js'));
const { EmbeddedReadStore, MongoReadStore, SqliteReadStore } = require(join(root, 'dist/libs/read-store/src/index.js'));
const { ContactsProjection, sealContactEvents } = require(join(root, 'dist/libs/contacts/application/src/index.js'));

const warnings = [];
const logger = { warn: (m) => warnings.length < 20 && warnings.push(m), error: (m) => warnings.push(`ERROR ${m}`) };

const file = join(dataDir, 'contacts-events.sqlite');
// What the store holds, by kind of stream (read-only, before the rebuild starts).
const contactEvents = values.postgres ? await countPostgresContactEvents(values.postgres) : countSqliteContactEvents(file);

// A database of its own, never the live one: the projection starts from zero (no checkpoint).
const database = values.database ?? `bench_replay_${Date.now()}_${process.pid}`;
const sqliteFile = join(dataDir, `${database}.sqlite`);
const readStore = values.mongo ? await new MongoReadStore(values.mongo, database).connect() : values.sqlite ? new SqliteReadStore(sqliteFile) : new EmbeddedReadStore();
if (values.mongo && (await readStore.listCollections()).length > 0) throw new Error(`database ${database} is not empty`);

// Opened as the app opens it: personal data with the data keys of DATA_DIR (docs/privacy.md), so the rebuild pays the decryption the app's does.
const masterKey = parseMasterKey(process.env.DATA_KEY_ENCRYPTION_KEY ?? readFileSync(join(dataDir, 'data-key-encryption-key'), 'utf8').trim());
const keyStore = values['data-keys'] ? await require(join(root, 'dist/libs/runtime/src/index.js')).dataKeyStoreAt(values['data-keys']) : new SqliteDataKeyStore(join(dataDir, 'data-keys.sqlite'));
const dataKeys = new DataKeys(keyStore, masterKey);
const eventStore = sealContactEvents(values.postgres ? new PostgresEventStore(values.postgres, { name: 'contacts' }) : new SqliteEventStore(file), dataKeys);
const events = await eventStore.headPosition();
const projection = new ContactsProjection(eventStore, readStore, logger);

const started = performance.now();
await projection.start();
await projection.waitUntilCaughtUp(30 * 60_000);
// waitUntilCaughtUp resolves on its timeout too: make sure every event was handled.
while (projection.processedPosition < events) await new Promise((r) => setTimeout(r, 5));
const seconds = (performance.now() - started) / 1000;

const contacts = readStore.collection('contacts');
const documents = await contacts.countDocuments({});
const live = await contacts.countDocuments({ deleted: false });
await projection.stop();
await eventStore.close();
await dataKeys.close();
if (values.mongo) {
  if (!values['keep-database']) await dropDatabase(values.mongo, database);
  await readStore.close();
} else if (values.sqlite) {
  await readStore.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${sqliteFile}${suffix}`, { force: true });
}

const result = {
  events,
  seconds: Math.round(seconds * 1000) / 1000,
  events_per_s: Math.round(events / seconds),
  // The projection reads every event of the store; only those on contact streams change the read
  // model (the rest are the duplicate check's identity claims, skipped by the handler).
  contact_events: contactEvents,
  contact_events_per_s: Math.round(contactEvents / seconds),
  documents,
  live_contacts: live,
  processed_position: projection.processedPosition,
  read_store: values.mongo ? `MongoDB wire, fresh database ${database}${values['keep-database'] ? ' (kept)' : ' (dropped afterwards)'}` : 'embedded, fresh',
  rss_mb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  warnings,
};
console.log(JSON.stringify(result));
if (process.send) process.send(result, () => process.exit(0));

function countSqliteContactEvents(sqliteFile) {
  const Database = require('better-sqlite3');
  const inspect = new Database(sqliteFile, { readonly: true });
  try {
    return inspect.prepare("SELECT COUNT(*) AS n FROM events WHERE stream_id LIKE 'contact-%'").get().n;
  } finally {
    inspect.close();
  }
}

async function countPostgresContactEvents(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(`SELECT COUNT(*) AS n FROM ${eventTable('contacts').sql} WHERE stream_id LIKE 'contact-%'`)).rows[0].n);
  } finally {
    await client.end();
  }
}

/** The read store's port has no dropDatabase: a short client of the driver does it. */
async function dropDatabase(url, name) {
  const { MongoClient } = require('mongodb');
  const client = await new MongoClient(url, { serverSelectionTimeoutMS: 10_000 }).connect();
  try {
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}
