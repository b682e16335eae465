import {
  ANY,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  Position,
  ResolvedEvent,
  START,
  StreamNotFoundError,
  StreamSubscription,
  WrongExpectedVersionError,
  BACKWARDS,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import {
  appendInTurn,
  AppendResult,
  CURRENT_SCHEMA_VERSION,
  EventHandler,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
  inStreamPrefixes,
} from './event-store.port';
import { schemaVersionOf } from './domain-events';

interface StoredMetadata {
  siteId: string;
  schemaVersion: number;
  occurredAt: string;
  $correlationId?: string;
  $causationId?: string;
  actor?: RecordedEvent['actor'];
  traceContext?: RecordedEvent['traceContext'];
  idempotency?: RecordedEvent['idempotency'];
}

/**
 * EventStoreDB / KurrentDB adapter. Our global position is the event's commit position in the
 * server's log; every event appended outside an explicit transaction has its own commit
 * position, which is what makes "after position N" well defined.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  /** The server has no multi-stream transactions: appendToStreams appends in turn. */
  readonly atomicMultiStreamAppend = false;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString`${connectionString}`;
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const expectedRevision = expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : BigInt(expected);
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((event) =>
          jsonEvent({
            id: event.id ?? randomUUID(),
            type: event.type,
            data: event.data as Record<string, unknown>,
            metadata: {
              siteId: event.metadata.siteId,
              schemaVersion: event.metadata.schemaVersion ?? schemaVersionOf(event.type),
              occurredAt: event.metadata.occurredAt ?? new Date().toISOString(),
              ...(event.metadata.correlationId && { $correlationId: event.metadata.correlationId }),
              ...(event.metadata.causationId && { $causationId: event.metadata.causationId }),
              ...(event.metadata.actor && { actor: event.metadata.actor }),
              ...(event.metadata.traceContext && { traceContext: event.metadata.traceContext }),
              ...(event.metadata.idempotency && { idempotency: event.metadata.idempotency }),
            } satisfies StoredMetadata,
          }),
        ),
        { expectedRevision },
      );
      return { revision: Number(result.nextExpectedRevision), position: Number(result.position?.commit ?? 0) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedRevisionError(streamId, expected, typeof actual === 'bigint' ? Number(actual) : 'no_stream');
      }
      throw error;
    }
  }

  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    return appendInTurn(this, appends);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    const fromRevision = options.fromRevision ? BigInt(options.fromRevision) : START;
    try {
      for await (const resolved of this.client.readStream(streamId, { direction: FORWARDS, fromRevision, ...(options.maxCount !== undefined && { maxCount: BigInt(options.maxCount) }) })) {
        events.push(toRecorded(resolved));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const events: RecordedEvent[] = [];
    const fromPosition = after > 0 ? positionOf(after) : START;
    const prefixes = options.streamPrefixes?.length ? options.streamPrefixes : undefined;
    // Client 6's readAll takes no server-side filter (it always sends "no filter"; only
    // subscribeToAll has one), so prefixes are matched here and the read goes on, as far as it
    // must, until `limit` events matched. Breaking out of the loop cancels the server's stream.
    const maxCount = prefixes ? undefined : limit + 1;
    // The server's read is inclusive of fromPosition and also returns system events: skip both.
    for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition, maxCount })) {
      if (!resolved.event || resolved.event.type.startsWith('$')) continue;
      const recorded = toRecorded(resolved);
      if (recorded.globalPosition <= after) continue;
      if (!inStreamPrefixes(recorded.streamId, prefixes)) continue;
      events.push(recorded);
      if (events.length >= limit) break;
    }
    return events;
  }

  subscribeAll(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    const after = options.after ?? 0;
    const prefixes = options.streamPrefixes?.length ? options.streamPrefixes : undefined;
    // Stream prefixes are applied here, not with a server-side stream filter: the server reports
    // progress past what it filtered only through checkpoints, which arrive ahead of events still
    // buffered and not at all after a quiet tail, so a reader waiting on a position it does not
    // read could be told too early or never. Skipped events report progress in order instead.
    const subscription: StreamSubscription = this.client.subscribeToAll({
      fromPosition: after > 0 ? positionOf(after) : START,
      filter: excludeSystemEvents(),
    });
    const done = (async () => {
      try {
        for await (const resolved of subscription) {
          if (!resolved.event) continue;
          const recorded = toRecorded(resolved);
          if (recorded.globalPosition <= after) continue;
          if (!inStreamPrefixes(recorded.streamId, prefixes)) options.onPosition?.(recorded.globalPosition);
          else await handler(recorded);
        }
      } catch (error) {
        options.onError?.(error);
      }
    })();
    return {
      close: async () => {
        await subscription.unsubscribe();
        await done;
      },
    };
  }

  async headPosition(): Promise<number> {
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 50 })) {
      if (resolved.event && !resolved.event.type.startsWith('$')) return Number(resolved.event.position.commit);
    }
    return 0;
  }

  async ping(): Promise<void> {
    for await (const _ of this.client.readAll({ direction: FORWARDS, fromPosition: START, maxCount: 1 })) break;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

function positionOf(position: number): Position {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

function toRecorded(resolved: ResolvedEvent): RecordedEvent {
  const event = resolved.event!;
  const metadata = (event.metadata ?? {}) as Partial<StoredMetadata>;
  return {
    id: event.id,
    type: event.type,
    schemaVersion: metadata.schemaVersion ?? CURRENT_SCHEMA_VERSION,
    streamId: event.streamId,
    revision: Number(event.revision),
    globalPosition: Number(event.position?.commit ?? 0),
    siteId: metadata.siteId ?? '',
    occurredAt: metadata.occurredAt ?? event.created.toISOString(),
    correlationId: metadata.$correlationId,
    causationId: metadata.$causationId,
    actor: metadata.actor,
    ...(metadata.traceContext && { traceContext: metadata.traceContext }),
    ...(metadata.idempotency && { idempotency: metadata.idempotency }),
    data: event.data,
  };
}
