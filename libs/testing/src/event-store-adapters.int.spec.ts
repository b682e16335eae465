import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract } from './event-store.contract';
import { dropEventTable } from './postgres-tables';
import { appendInTurn, EventStore, EventStoreDbEventStore, InMemoryEventStore, PostgresEventStore, SqliteEventStore } from '@cp/event-store';

describeEventStoreContract('in-memory', async () => new InMemoryEventStore());

/**
 * A store without multi-stream transactions, as EventStoreDB is: the path a caller compensates
 * on, run here where no EventStoreDB server is.
 */
function withoutMultiStreamTransactions(store: EventStore): EventStore {
  return Object.assign(Object.create(store) as EventStore, {
    atomicMultiStreamAppend: false,
    appendToStreams: (appends: Parameters<EventStore['appendToStreams']>[0]) => appendInTurn(store, appends),
  });
}
describeEventStoreContract('sqlite, appending to several streams in turn', async () => withoutMultiStreamTransactions(new SqliteEventStore(':memory:')));

const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
describeEventStoreContract('sqlite', async () => new SqliteEventStore(join(dir, `events-${++files}.sqlite`)));

const eventStoreUrl = process.env.EVENTSTORE_URL;
if (eventStoreUrl) {
  describeEventStoreContract('eventstoredb', async () => new EventStoreDbEventStore(eventStoreUrl));
} else {
  describe('EventStore contract: eventstoredb', () => {
    it.skip('skipped: EVENTSTORE_URL is not set (no EventStoreDB server on this machine)', () => undefined);
  });
  console.log('EventStoreDB contract suite skipped: set EVENTSTORE_URL (e.g. esdb://localhost:2113?tls=false) to run it.');
}

const postgresUrl = process.env.POSTGRES_URL;
if (postgresUrl) {
  // A table of this run's own, so runs against one server (and its other suites) do not share positions.
  const name = `contract_${randomUUID().slice(0, 8)}`;
  describeEventStoreContract('postgresql', async () => new PostgresEventStore(postgresUrl, { name }));
  afterAll(() => dropEventTable(postgresUrl, name));
} else {
  describe('EventStore contract: postgresql', () => {
    it.skip('skipped: POSTGRES_URL is not set (tools/infra/postgres.sh starts a PostgreSQL for it)', () => undefined);
  });
  console.log('PostgreSQL contract suite skipped: set POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:15432/postgres) to run it.');
}

describe('SqliteEventStore durability', () => {
  it('keeps events across a reopen of the same file', async () => {
    const file = join(dir, 'durable.sqlite');
    const first = new SqliteEventStore(file);
    await first.append('contact-s.1', [{ type: 'A', data: { n: 1 }, metadata: { siteId: 's' } }], 'no_stream');
    await first.close();
    const second = new SqliteEventStore(file);
    expect((await second.readStream('contact-s.1')).map((e) => e.data)).toEqual([{ n: 1 }]);
    await second.close();
  });
});
