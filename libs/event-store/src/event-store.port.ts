/**
 * The event-store port. Streams are named per aggregate with the tenant in the name
 * (`contact-<siteId>.<contactId>`); stream revisions start at 0; global positions grow
 * across all streams of one store and are what projections checkpoint.
 */
export interface EventMetadata {
  siteId: string;
  schemaVersion?: number;
  occurredAt?: string;
  correlationId?: string;
  causationId?: string;
  actor?: Actor;
  /** The trace of the request that wrote it (keepTraceContext): see RecordedEvent.traceContext. */
  traceContext?: TraceContext;
  /** The idempotency key of the request that wrote it, and a digest of that request (see Idempotency). */
  idempotency?: Idempotency;
}

/**
 * A client's `Idempotency-Key` and a digest of the request it came with: a retry with the key
 * finds the events the first attempt wrote, and a digest that differs marks a reused key.
 */
export interface Idempotency {
  key: string;
  fingerprint: string;
}

/**
 * W3C trace context as its headers (`traceparent`, and `tracestate` when there is one), as
 * OpenTelemetry's propagation API writes and reads them.
 */
export type TraceContext = Record<string, string>;

export interface Actor {
  type: 'API_KEY' | 'SYSTEM' | 'APP' | 'VISITOR';
  id: string;
}

export interface NewEvent<Data = unknown> {
  id?: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
}

/** The stored envelope: what every reader (projections, relays, replay tooling) sees. */
export interface RecordedEvent<Data = unknown> {
  id: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  revision: number;
  globalPosition: number;
  siteId: string;
  occurredAt: string;
  correlationId?: string;
  causationId?: string;
  actor?: Actor;
  /**
   * The trace of the request that wrote the event, when tracing was on: a relay publishes the
   * event's messages in it, so their consumers' work joins the request's trace.
   */
  traceContext?: TraceContext;
  idempotency?: Idempotency;
  data: Data;
  /**
   * The event's data was sealed with a data key that has since been destroyed (its subject was
   * erased, docs/privacy.md): `data` is empty, and its type, time and place are all that is left.
   */
  redacted?: boolean;
}

/** What a row-based store keeps in its metadata column and spreads back into a RecordedEvent. */
export type StoredMetadata = Pick<RecordedEvent, 'correlationId' | 'causationId' | 'actor' | 'traceContext' | 'idempotency'>;

/** `no_stream`: the stream must not exist; `any`: no check; a number: the revision of the stream's last event. */
export type ExpectedRevision = number | 'no_stream' | 'any';

export interface AppendResult {
  /** Revision of the last event appended. */
  revision: number;
  /** Global position of the last event appended. */
  position: number;
  /**
   * The events as stored, as a reader will see them, where the store can say (the embedded
   * stores; EventStoreDB does not give each event's position): the writer's own process applies
   * them to its read model at once instead of waiting for its subscription.
   */
  recorded?: RecordedEvent[];
}

export interface ReadAllOptions {
  /** Read events strictly after this global position (0 or absent: from the start). */
  after?: number;
  /** The most events to return (after filtering by `streamPrefixes`). */
  limit?: number;
  /** Only the events of streams whose names start with one of these (none or an empty list: all), as in `SubscribeOptions`. */
  streamPrefixes?: readonly string[];
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  streamId: string;
  events: NewEvent[];
  expected: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** Only the events at this revision and after (0 or absent: the whole stream). */
  fromRevision?: number;
  /** At most this many events (absent: to the end of the stream). */
  maxCount?: number;
}

/** Whether a stream is among those `streamPrefixes` select (none or an empty list: every stream), as in `SubscribeOptions`. */
export function inStreamPrefixes(streamId: string, prefixes: readonly string[] | undefined): boolean {
  return !prefixes || prefixes.length === 0 || prefixes.some((prefix) => streamId.startsWith(prefix));
}

/** The prefixes to filter on, or undefined for every stream (none given, or an empty prefix, which every name starts with). */
export function filterPrefixes(prefixes: readonly string[] | undefined): readonly string[] | undefined {
  return prefixes && prefixes.length > 0 && !prefixes.includes('') ? prefixes : undefined;
}

export type EventHandler = (event: RecordedEvent) => Promise<void> | void;

export interface Subscription {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  after?: number;
  /**
   * Deliver only the events of streams whose names start with one of these (none or an empty
   * list: all). SQLite filters in its query, so a reader that needs a third of the events does
   * not pay to read and parse the rest; the other stores filter as they read.
   */
  streamPrefixes?: readonly string[];
  /** Called with a position the subscription has read up to when what it skipped there is all there was: a filtered reader's progress. */
  onPosition?: (position: number) => void;
  /** Called when the handler throws; the subscription stops after reporting. */
  onError?: (error: unknown) => void;
}

export interface EventStore {
  /**
   * Whether `appendToStreams` is all or nothing. The embedded stores write it in one transaction;
   * EventStoreDB has no multi-stream transactions, so there a caller compensates what landed.
   */
  readonly atomicMultiStreamAppend: boolean;
  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams, each with its own expected revision, in the order given (a
   * stream may not appear twice), and resolves to one result per append. On an atomic store a
   * failed check writes nothing (the WrongExpectedRevisionError names the stream). Elsewhere the
   * appends land one by one: a failure after the first throws PartialAppendError, which says
   * how many landed.
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** The stream's events in order; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Delivers every event after `after` in order (catch-up), then new ones as they are appended. */
  subscribeAll(handler: EventHandler, options?: SubscribeOptions): Subscription;
  /** The global position of the newest event (0 when empty). */
  headPosition(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${expected}, actual ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** A non-atomic multi-stream append that failed part way: `appended` are the results of the appends that landed, in order. */
export class PartialAppendError extends Error {
  constructor(
    readonly appended: AppendResult[],
    override readonly cause: unknown,
  ) {
    super(`${appended.length} of the streams were appended before: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'PartialAppendError';
  }
}

/** A multi-stream append names each stream once: two parts for one stream would each check the same revision and both land. */
export function checkDistinctStreams(appends: readonly StreamAppend[]): void {
  const seen = new Set<string>();
  for (const { streamId } of appends) {
    if (seen.has(streamId)) throw new Error(`appendToStreams: stream ${streamId} appears twice; give it one part`);
    seen.add(streamId);
  }
}

/** Appends one by one, for a store without multi-stream transactions (see `EventStore.appendToStreams`). */
export async function appendInTurn(store: Pick<EventStore, 'append'>, appends: readonly StreamAppend[]): Promise<AppendResult[]> {
  checkDistinctStreams(appends);
  const results: AppendResult[] = [];
  for (const { streamId, events, expected } of appends) {
    try {
      results.push(await store.append(streamId, events, expected));
    } catch (error) {
      throw results.length === 0 ? error : new PartialAppendError(results, error);
    }
  }
  return results;
}

export function isWrongExpectedRevision(error: unknown): error is WrongExpectedRevisionError {
  return error instanceof WrongExpectedRevisionError;
}

/** The schema version of an event stored without one (see domain-events.ts for how versions go up). */
export const CURRENT_SCHEMA_VERSION = 1;
