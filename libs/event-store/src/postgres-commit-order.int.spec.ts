import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { NewEvent, RecordedEvent, Subscription } from './event-store.port';
import { appendWithin } from './postgres-append';
import { eventTable } from './postgres-event-table';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The pitfall of sequence-based positions, provoked for real: transaction A draws the lower
 * position and is held open on a connection of its own, B appends on another connection and
 * tries to commit first, and a subscriber (on a third store, woken by LISTEN/NOTIFY) runs
 * throughout. With positions drawn before the append lock (or with no lock), B commits first,
 * the subscriber reads past A's position, and A's event is never delivered.
 */
const url = process.env.POSTGRES_URL;
const describeOnPostgres = url ? describe : describe.skip;
if (!url) console.log('PostgreSQL commit-order suite skipped: set POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:15432/postgres) to run it.');

jest.setTimeout(20_000);

const event = (type: string): NewEvent => ({ type, data: { type }, metadata: { siteId: 's' } });

/** Every event a subscription delivers, and the furthest position it reported reading past. */
function record(store: PostgresEventStore, after: number, streamPrefixes?: string[]): { seen: RecordedEvent[]; readTo: () => number; subscription: Subscription } {
  const seen: RecordedEvent[] = [];
  let readTo = after;
  const subscription = store.subscribeAll((e) => void seen.push(e), {
    after,
    streamPrefixes,
    onPosition: (position) => (readTo = Math.max(readTo, position)),
  });
  return { seen, readTo: () => Math.max(readTo, seen.at(-1)?.globalPosition ?? after), subscription };
}

/** Waits for `condition`; `what` says what was awaited and what there is instead. */
async function until(condition: () => boolean, what: () => string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what()}`);
    await sleep(10);
  }
}

const seenOf = (events: RecordedEvent[]) => JSON.stringify(events.map((e) => `${e.type}@${e.globalPosition}`));

describeOnPostgres('PostgresEventStore: positions in commit order', () => {
  const name = `commit_order_${randomUUID().slice(0, 8)}`;
  const table = eventTable(name);
  let subscriberStore: PostgresEventStore;
  let writerStore: PostgresEventStore;
  let held: Client;
  let run: string;

  beforeAll(async () => {
    subscriberStore = new PostgresEventStore(url!, { name });
    writerStore = new PostgresEventStore(url!, { name });
    await writerStore.ping(); // the table exists before a raw transaction writes to it
  });
  beforeEach(async () => {
    run = randomUUID().slice(0, 8);
    held = new Client({ connectionString: url });
    await held.connect();
  });
  afterEach(async () => {
    await held.end();
  });
  afterAll(async () => {
    await Promise.all([subscriberStore?.close(), writerStore?.close()]);
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP TABLE IF EXISTS ${table.sql}`);
    await admin.end();
  });

  /** A's append in a transaction left open: it holds the lower position until `held.query('COMMIT')`. */
  async function holdOpen(streamId: string, types: string[]): Promise<number> {
    await held.query('BEGIN');
    const { results } = await appendWithin(held, table, [{ streamId, events: types.map(event), expected: 'no_stream' }], 'held-open');
    return results[0].position;
  }

  it('delivers both transactions to a subscriber running throughout, in position order, with no gap and no repeat', async () => {
    const start = await writerStore.headPosition();
    const all = record(subscriberStore, start);
    const onlyB = record(subscriberStore, start, [`b-${run}.`]);
    const [a, b] = [`a-${run}.1`, `b-${run}.1`];

    const aPosition = await holdOpen(a, ['A1', 'A2']);
    const bAppended = writerStore.append(b, [event('B1')], 'no_stream');
    await sleep(300); // time for B to commit, and for the subscriber to read whatever B committed
    await held.query('COMMIT');
    const bPosition = (await bAppended).position;

    expect(aPosition).toBeLessThan(bPosition); // A held the lower position
    await until(() => all.seen.length >= 3 && onlyB.seen.length >= 1 && onlyB.readTo() >= bPosition, () => `both transactions delivered; the subscriber saw ${seenOf(all.seen)}`);
    await sleep(100); // and nothing more after them
    await Promise.all([all.subscription.close(), onlyB.subscription.close()]);

    expect(all.seen.map((e) => e.type)).toEqual(['A1', 'A2', 'B1']);
    const positions = all.seen.map((e) => e.globalPosition);
    expect(positions).toEqual([aPosition - 1, aPosition, bPosition]);
    expect(bPosition).toBe(aPosition + 1); // no gap
    expect(onlyB.seen.map((e) => e.type)).toEqual(['B1']);
  });

  it('skips the hole a rolled-back transaction leaves, without waiting on it', async () => {
    const start = await writerStore.headPosition();
    const all = record(subscriberStore, start);
    const rolledBack = await holdOpen(`a-${run}.1`, ['Never']);
    const bAppended = writerStore.append(`b-${run}.1`, [event('B1')], 'no_stream');
    await sleep(100);
    await held.query('ROLLBACK');
    const { position } = await bAppended;

    await until(() => all.seen.length === 1, () => `B delivered; the subscriber saw ${seenOf(all.seen)}`);
    await all.subscription.close();
    expect(all.seen.map((e) => [e.type, e.globalPosition])).toEqual([['B1', position]]);
    expect(position).toBeGreaterThan(rolledBack);
  });

  it('delivers every event of many concurrent appends from two stores once, in position order, as a later read finds them', async () => {
    const start = await writerStore.headPosition();
    const all = record(subscriberStore, start);
    const stores = [writerStore, subscriberStore];
    const appended = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        stores[i % 2].appendToStreams([
          { streamId: `many-${run}.${i}`, events: [event(`E${i}`)], expected: 'no_stream' },
          { streamId: `many-${run}.shared-${i % 5}`, events: [event(`S${i}`)], expected: 'any' },
        ]),
      ),
    );
    const last = Math.max(...appended.flat().map((result) => result.position));
    await until(() => all.readTo() >= last, () => `every append delivered, up to ${last}; read to ${all.readTo()}`);
    await all.subscription.close();

    const stored = await writerStore.readAll({ after: start });
    expect(all.seen.map((e) => e.globalPosition)).toEqual(stored.map((e) => e.globalPosition));
    expect(stored).toHaveLength(120);
    expect(new Set(stored.map((e) => e.globalPosition)).size).toBe(120);
  });

  it('keeps delivering other connections’ commits when its listening connection is cut, and listens again', async () => {
    const start = await writerStore.headPosition();
    const all = record(subscriberStore, start);
    await writerStore.append(`b-${run}.1`, [event('Before')], 'no_stream');
    await until(() => all.seen.length === 1, () => `the first event delivered; the subscriber saw ${seenOf(all.seen)}`);

    const admin = new Client({ connectionString: url });
    await admin.connect();
    const listeners = `FROM pg_stat_activity WHERE application_name = 'contacts-platform ${name} events' AND query LIKE 'LISTEN%'`;
    const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) ${listeners}`);
    expect(rowCount).toBe(1);

    await writerStore.append(`b-${run}.1`, [event('WhileCut')], 0);
    await until(() => all.seen.length === 2, () => `an event committed while the listener was cut; the subscriber saw ${seenOf(all.seen)}`);
    let listening = 0;
    for (const deadline = Date.now() + 5_000; listening === 0 && Date.now() < deadline; await sleep(50)) {
      listening = (await admin.query<{ n: number }>(`SELECT count(*)::int AS n ${listeners}`)).rows[0].n;
    }
    await admin.end();
    expect(listening).toBe(1); // listening again (the first retry is after 100 ms)
    await writerStore.append(`b-${run}.1`, [event('After')], 1);
    await until(() => all.seen.length === 3, () => `an event committed after it listens again; the subscriber saw ${seenOf(all.seen)}`);
    await all.subscription.close();
    expect(all.seen.map((e) => e.type)).toEqual(['Before', 'WhileCut', 'After']);
  });
});
