import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  AppendResult,
  EventHandler,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  StoredMetadata,
  SubscribeOptions,
  Subscription,
  checkDistinctStreams,
  filterPrefixes,
  inStreamPrefixes,
} from './event-store.port';
import { schemaVersionOf } from './domain-events';
import { checkExpectedRevision } from './revision-check';
import { AppendedBlock, pageOf, PollingSubscription, WakeOnce } from './live-subscription';
import { WalCheckpointer } from './wal-checkpointer';

interface EventRow {
  global_position: number;
  id: string;
  stream_id: string;
  stream_revision: number;
  type: string;
  schema_version: number;
  site_id: string;
  occurred_at: string;
  metadata: string;
  data: string;
}

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
/** How often subscriptions look for commits by other connections (other processes on the file). */
const OTHER_WRITERS_POLL_MS = 50;

/**
 * An embedded event store in one SQLite file (WAL mode), the zero-setup default. The revision
 * check and the insert run in one transaction, and UNIQUE(stream_id, stream_revision) backs it up,
 * so two appends with the same expected revision can never both land. Several processes on one
 * host may share the file (docs/architecture.md, "Modes").
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly statements;
  private readonly appendTransaction;
  readonly atomicMultiStreamAppend = true;
  private poller: NodeJS.Timeout | undefined;
  private dataVersion = 0;
  private readonly subscriptionWake = new WakeOnce(() => this.subscriptions.forEach((subscription) => subscription.wakeForOffers()));
  private readonly checkpointer: WalCheckpointer | undefined;
  private readonly file: string = ':memory:';
  private closing = false;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    // The busy timeout (set on open, before the pragmas and schema that may also need a lock)
    // makes a second process wait for the writer instead of failing.
    this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    if (file !== ':memory:') {
      // Checkpoints (and with them every fsync) run on the checkpointer's thread; SQLite's own,
      // in a commit on the event loop, stays only as a backstop should the WAL grow past 40 MB.
      this.db.pragma('wal_autocheckpoint = 10000');
      this.file = resolve(file);
      this.checkpointer = WalCheckpointer.forFile(this.file);
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        global_position INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        stream_id TEXT NOT NULL,
        stream_revision INTEGER NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        site_id TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        metadata TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (stream_id, stream_revision)
      );
      CREATE INDEX IF NOT EXISTS events_by_site ON events (site_id, global_position);
    `);
    this.statements = {
      head: this.db.prepare<[string], { revision: number | null }>(
        'SELECT MAX(stream_revision) AS revision FROM events WHERE stream_id = ?',
      ),
      insert: this.db.prepare(
        `INSERT INTO events (id, stream_id, stream_revision, type, schema_version, site_id, occurred_at, metadata, data)
         VALUES (@id, @stream_id, @stream_revision, @type, @schema_version, @site_id, @occurred_at, @metadata, @data)`,
      ),
      stream: this.db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND stream_revision >= ? ORDER BY stream_revision LIMIT ?',
      ),
      all: this.db.prepare<[number, number], EventRow>(
        'SELECT * FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?',
      ),
      last: this.db.prepare<[], { position: number | null }>('SELECT MAX(global_position) AS position FROM events'),
    };
    this.appendTransaction = this.db.transaction((appends: readonly StreamAppend[]) => {
      // Every check before any insert: a refusal of the last stream writes nothing of the first.
      const currents = appends.map(({ streamId, expected }) => {
        const current = this.statements.head.get(streamId)?.revision ?? -1;
        checkExpectedRevision(streamId, expected, current);
        return current;
      });
      const rows: EventRow[] = [];
      const results = appends.map(({ streamId, events }, i) => {
        let revision = currents[i];
        let position = 0;
        const recorded: RecordedEvent[] = [];
        for (const event of events) {
          revision += 1;
          const { siteId, schemaVersion, occurredAt, ...rest } = event.metadata;
          const row: Omit<EventRow, 'global_position'> = {
            id: event.id ?? randomUUID(),
            stream_id: streamId,
            stream_revision: revision,
            type: event.type,
            schema_version: schemaVersion ?? schemaVersionOf(event.type),
            site_id: siteId,
            occurred_at: occurredAt ?? new Date().toISOString(),
            metadata: JSON.stringify(rest),
            data: JSON.stringify(event.data),
          };
          position = Number(this.statements.insert.run(row).lastInsertRowid);
          const stored = { ...row, global_position: position };
          rows.push(stored);
          // Parsed back from what was stored, so the writer sees exactly what a reader will.
          recorded.push(toRecorded(stored));
        }
        return { revision, position, recorded };
      });
      return { results, rows };
    });
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expected }]);
    return result;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    checkDistinctStreams(appends);
    // IMMEDIATE takes the write lock before the revisions are read: a deferred transaction reads
    // first, and when another process writes meanwhile it cannot upgrade its snapshot to a
    // write and fails with SQLITE_BUSY at once, whatever the busy timeout.
    const { results, rows } = this.appendTransaction.immediate(appends);
    this.checkpointer?.committed(this.file);
    if (rows.length > 0) this.offerToSubscriptions(rows);
    this.wakeSubscriptions();
    return results;
  }

  /** One transaction's rows are every position between its first and last: subscriptions take them without a read (see AppendedBlock). */
  private offerToSubscriptions(rows: readonly EventRow[]): void {
    if (this.subscriptions.size === 0) return;
    const block: AppendedBlock = {
      first: rows[0].global_position,
      last: rows[rows.length - 1].global_position,
      events: (after, accepts) => rows.filter((row) => row.global_position > after && accepts(row.stream_id)).map(toRecorded),
    };
    this.subscriptions.forEach((subscription) => subscription.offer(block));
  }

  /**
   * Subscriptions are woken once the code that appended is done (a microtask), so they take this
   * process's appends in the turn that made them: woken at the turn's end instead, each waited
   * for the rest of a busy turn's requests (tens of milliseconds under load), which every
   * webhook paid. Appends made together (one synchronous run of code) still wake them once.
   */
  private wakeSubscriptions(): void {
    this.subscriptionWake.request();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.statements.stream.all(streamId, options.fromRevision ?? 0, options.maxCount ?? -1).map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    const limit = options.limit ?? -1; // SQLite: LIMIT -1 is no limit
    const prefixes = filterPrefixes(options.streamPrefixes);
    if (prefixes) return this.readFiltered(after, limit, prefixes).events;
    return this.statements.all.all(after, limit).map(toRecorded);
  }

  subscribeAll(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    const prefixes = filterPrefixes(options.streamPrefixes);
    this.watchOtherWriters();
    const subscription = new PollingSubscription(
      async (after, limit) => (prefixes ? this.readFiltered(after, limit, prefixes) : pageOf(await this.readAll({ after, limit }), after)),
      handler,
      options,
      (s) => this.unwatch(s),
      prefixes ? (streamId) => inStreamPrefixes(streamId, prefixes) : undefined,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Appends through this instance wake the subscriptions at once; those of other connections
   * (other processes) show as a change of `PRAGMA data_version`, checked on a light timer while
   * there are subscriptions. Started before the subscription's first read, so a commit between
   * that read and the timer's first look is not missed.
   */
  private watchOtherWriters(): void {
    if (this.poller) return;
    this.dataVersion = this.readDataVersion();
    this.poller = setInterval(() => {
      const version = this.readDataVersion();
      if (version === this.dataVersion) return;
      this.dataVersion = version;
      this.subscriptions.forEach((subscription) => subscription.notify());
    }, OTHER_WRITERS_POLL_MS).unref();
  }

  private unwatch(subscription: PollingSubscription): void {
    this.subscriptions.delete(subscription);
    if (this.subscriptions.size > 0) return;
    clearInterval(this.poller);
    this.poller = undefined;
  }

  private readDataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * The events of streams with the given name prefixes, in SQL: rows of other streams are
   * skipped before they are parsed. Bounded by the head read first, so an append that lands
   * meanwhile is neither skipped nor counted as read.
   */
  private readFiltered(after: number, limit: number, prefixes: readonly string[]): { events: RecordedEvent[]; readTo: number } {
    const head = this.statements.last.get()?.position ?? 0;
    const ranges = prefixes.flatMap((prefix) => [prefix, upperBound(prefix)]);
    const rows = this.filteredStatement(prefixes.length).all(after, head, ...ranges, limit);
    const events = rows.map(toRecorded);
    return { events, readTo: events.length === limit ? events[events.length - 1].globalPosition : head };
  }

  private readonly filtered = new Map<number, Database.Statement<unknown[], EventRow>>();

  private filteredStatement(prefixCount: number): Database.Statement<unknown[], EventRow> {
    let statement = this.filtered.get(prefixCount);
    if (!statement) {
      const ranges = Array.from({ length: prefixCount }, () => '(stream_id >= ? AND stream_id < ?)').join(' OR ');
      statement = this.db.prepare<unknown[], EventRow>(
        `SELECT * FROM events WHERE global_position > ? AND global_position <= ? AND (${ranges}) ORDER BY global_position LIMIT ?`,
      );
      this.filtered.set(prefixCount, statement);
    }
    return statement;
  }

  async headPosition(): Promise<number> {
    return this.statements.last.get()?.position ?? 0;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    clearInterval(this.poller);
    this.poller = undefined;
    if (this.closing) return;
    this.closing = true;
    // The checkpointer's connection first, so that closing the last one checkpoints and removes the WAL.
    await this.checkpointer?.release(this.file);
    this.db.close();
  }
}

/** The smallest string above every string that starts with `prefix` (SQLite compares text bytewise). */
function upperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function toRecorded(row: EventRow): RecordedEvent {
  const metadata = JSON.parse(row.metadata) as StoredMetadata;
  return {
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    revision: row.stream_revision,
    globalPosition: row.global_position,
    siteId: row.site_id,
    occurredAt: row.occurred_at,
    ...metadata,
    data: JSON.parse(row.data),
  };
}
