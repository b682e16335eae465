import { randomUUID } from 'node:crypto';
import { Client, ClientConfig, Pool } from 'pg';
import {
  AppendResult,
  EventHandler,
  EventStore,
  ExpectedRevision,
  filterPrefixes,
  inStreamPrefixes,
  isWrongExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
} from './event-store.port';
import { AppendedBlock, pageOf, PollingSubscription, WakeOnce } from './live-subscription';
import { appendWithin } from './postgres-append';
import { CommitListener } from './postgres-commit-listener';
import { ensureEventTable, EVENT_COLUMNS, EventRow, eventTable, EventTable, toRecorded } from './postgres-event-table';
import { inTransaction } from './postgres-transaction';

export interface PostgresEventStoreOptions {
  /** The store's name, its service's: the events are in the table `event_store.<name>` (`-` as `_`). */
  name: string;
  /** Connections in the pool (default 10); subscriptions share one more, for LISTEN. */
  maxConnections?: number;
}

/**
 * A failed or stalled peer must not hold the store's append lock for long: the server ends a
 * transaction left idle (its process froze or died mid-append), and an append gives up waiting
 * for the lock rather than hang. Either fails the append, as any database error does.
 */
const IDLE_IN_TRANSACTION_MS = 10_000;
const LOCK_WAIT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * An event store in a PostgreSQL table, one per service (postgres-event-table.ts), shared by any
 * number of processes: appends are one transaction across streams, with the expected revisions
 * checked under the store's append lock, which also makes positions grow in commit order, so a
 * subscriber never skips an event that commits late (postgres-append.ts). Subscriptions page
 * through the table, wake on LISTEN/NOTIFY for other connections' commits (polling while the
 * listening connection is down) and take this instance's own appends without a read, as the
 * SQLite store's do. docs/architecture.md, "The PostgreSQL event store".
 */
export class PostgresEventStore implements EventStore {
  readonly atomicMultiStreamAppend = true;
  private readonly table: EventTable;
  private readonly config: ClientConfig;
  private readonly pool: Pool;
  /** In this instance's NOTIFY payloads: its subscriptions learn of its own appends without the round trip. */
  private readonly instanceId = randomUUID();
  private readonly subscriptions = new Set<PollingSubscription>();
  private schema: Promise<void> | undefined;
  private listener: CommitListener | undefined;
  private readonly subscriptionWake = new WakeOnce(() => this.subscriptions.forEach((subscription) => subscription.wakeForOffers()));
  private closing = false;

  constructor(connectionString: string, options: PostgresEventStoreOptions) {
    this.table = eventTable(options.name);
    this.config = {
      connectionString,
      application_name: `contacts-platform ${options.name} events`,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      lock_timeout: LOCK_WAIT_MS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    };
    this.pool = new Pool({ ...this.config, max: options.maxConnections ?? 10 });
    // An idle pooled connection that fails (the server restarted) is dropped by the pool; unheard,
    // its 'error' event would end the process.
    this.pool.on('error', () => undefined);
    // The table is created on open; the constructor cannot wait, so every operation does (ready()).
    this.ready().catch(() => undefined);
  }

  /** Whether the store named `name` has its table at `connectionString` (for tools that must not create one). */
  static async exists(connectionString: string, name: string): Promise<boolean> {
    const client = new Client({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    await client.connect();
    try {
      const { rows } = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [eventTable(name).sql]);
      return rows[0].found;
    } finally {
      await client.end();
    }
  }

  /** The table exists: created once, and tried again by the next operation if that failed (the server was not up yet). */
  private ready(): Promise<void> {
    this.schema ??= ensureEventTable(this.pool, this.table).catch((error: unknown) => {
      this.schema = undefined;
      throw error;
    });
    return this.schema;
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expected }]);
    return result;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    await this.ready();
    const { results, rows } = await inTransaction(this.pool, (client) => appendWithin(client, this.table, appends, this.instanceId)).catch((error: unknown) => {
      // A commit whose answer was lost may have landed, and its NOTIFY is one this store skips as its own.
      if (!isWrongExpectedRevision(error)) this.subscriptions.forEach((subscription) => subscription.notify());
      throw error;
    });
    if (rows.length > 0) this.offerToSubscriptions(rows);
    return results;
  }

  /**
   * One transaction's rows hold every position from its first to its last (the append lock keeps
   * other appenders out of the sequence meanwhile): this instance's subscriptions take them
   * without a read when they follow on from what they have read (see AppendedBlock), woken once
   * the appending code is done (a microtask), as the SQLite store does.
   */
  private offerToSubscriptions(rows: readonly EventRow[]): void {
    if (this.subscriptions.size === 0) return;
    const block: AppendedBlock = {
      first: Number(rows[0].global_position),
      last: Number(rows[rows.length - 1].global_position),
      events: (after, accepts) =>
        rows.filter((row) => Number(row.global_position) > after && accepts(row.stream_id)).map((row) => toRecorded(structuredClone(row))),
    };
    this.subscriptions.forEach((subscription) => subscription.offer(block));
    this.subscriptionWake.request();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    await this.ready();
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.table.sql} WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
      [streamId, options.fromRevision ?? 0, options.maxCount ?? null],
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    const limit = options.limit ?? null; // LIMIT NULL: no limit
    const prefixes = filterPrefixes(options.streamPrefixes);
    if (prefixes) return (await this.readFiltered(after, limit, prefixes)).events;
    await this.ready();
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.table.sql} WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [after, limit],
    );
    return rows.map(toRecorded);
  }

  /**
   * The events of streams with one of the prefixes, and how far that read covers: the head as the
   * same statement saw it (positions grow in commit order, so nothing at or below it can still
   * appear), or the last event when the page is full.
   */
  private async readFiltered(after: number, limit: number | null, prefixes: readonly string[]): Promise<{ events: RecordedEvent[]; readTo: number }> {
    await this.ready();
    // One row with the head and no event when nothing matches (the LEFT JOIN).
    const { rows } = await this.pool.query<EventRow & { head: string }>(
      `SELECT head.position AS head, page.*
       FROM (SELECT coalesce(max(global_position), 0) AS position FROM ${this.table.sql}) AS head
       LEFT JOIN LATERAL (
         SELECT ${EVENT_COLUMNS} FROM ${this.table.sql}
         WHERE global_position > $1 AND global_position <= head.position AND stream_id ^@ ANY($2::text[])
         ORDER BY global_position LIMIT $3
       ) AS page ON true`,
      [after, prefixes, limit],
    );
    const events = rows.filter((row) => row.global_position !== null).map(toRecorded);
    const full = limit !== null && events.length === limit;
    return { events, readTo: full ? events[events.length - 1].globalPosition : Math.max(after, Number(rows[0].head)) };
  }

  subscribeAll(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    const prefixes = filterPrefixes(options.streamPrefixes);
    const listening = this.listen();
    const subscription = new PollingSubscription(
      async (after, limit) => {
        await listening; // LISTEN is on before the first read, so no commit falls between the two
        return prefixes ? this.readFiltered(after, limit, prefixes) : pageOf(await this.readAll({ after, limit }), after);
      },
      handler,
      options,
      (s) => this.subscriptions.delete(s),
      prefixes ? (streamId) => inStreamPrefixes(streamId, prefixes) : undefined,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Other connections' commits wake the subscriptions; this instance's own woke them already. */
  private listen(): Promise<void> {
    this.listener ??= new CommitListener(this.config, this.table.channelSql, (payload) => {
      if (payload !== this.instanceId) this.subscriptions.forEach((subscription) => subscription.notify());
    });
    return this.listener.ready;
  }

  async headPosition(): Promise<number> {
    await this.ready();
    const { rows } = await this.pool.query<{ position: string }>(`SELECT coalesce(max(global_position), 0) AS position FROM ${this.table.sql}`);
    return Number(rows[0].position);
  }

  async ping(): Promise<void> {
    await this.ready();
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.listener?.close();
    if (this.closing) return;
    this.closing = true;
    await this.schema?.catch(() => undefined);
    await this.pool.end();
  }
}
