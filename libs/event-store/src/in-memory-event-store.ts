import { randomUUID } from 'node:crypto';
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
  SubscribeOptions,
  Subscription,
  checkDistinctStreams,
  inStreamPrefixes,
} from './event-store.port';
import { schemaVersionOf } from './domain-events';
import { checkExpectedRevision } from './revision-check';
import { pageOf, PollingSubscription } from './live-subscription';

/** Everything in memory: for fast tests. Events are deep-copied in and out so nothing leaks by reference. */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly subscriptions = new Set<PollingSubscription>();

  readonly atomicMultiStreamAppend = true;

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expected }]);
    return result;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    checkDistinctStreams(appends);
    // Every check before any write, so a refusal writes nothing.
    for (const { streamId, expected } of appends) checkExpectedRevision(streamId, expected, (this.streams.get(streamId)?.length ?? 0) - 1);
    const results = appends.map(({ streamId, events }) => {
      const stream = this.streams.get(streamId) ?? [];
      const from = stream.length;
      for (const event of events) {
        const recorded: RecordedEvent = structuredClone({
          id: event.id ?? randomUUID(),
          type: event.type,
          schemaVersion: event.metadata.schemaVersion ?? schemaVersionOf(event.type),
          streamId,
          revision: stream.length,
          globalPosition: this.log.length + 1,
          siteId: event.metadata.siteId,
          occurredAt: event.metadata.occurredAt ?? new Date().toISOString(),
          correlationId: event.metadata.correlationId,
          causationId: event.metadata.causationId,
          actor: event.metadata.actor,
          ...(event.metadata.traceContext && { traceContext: event.metadata.traceContext }),
          ...(event.metadata.idempotency && { idempotency: event.metadata.idempotency }),
          data: event.data,
        });
        stream.push(recorded);
        this.log.push(recorded);
      }
      this.streams.set(streamId, stream);
      return { revision: stream.length - 1, position: this.log.length, recorded: structuredClone(stream.slice(from)) };
    });
    this.subscriptions.forEach((subscription) => subscription.notify());
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 0;
    return structuredClone((this.streams.get(streamId) ?? []).slice(from, options.maxCount === undefined ? undefined : from + options.maxCount));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const start = options.after ?? 0;
    const limit = options.limit ?? this.log.length;
    const prefixes = options.streamPrefixes;
    if (prefixes && prefixes.length > 0) return this.readFiltered(start, limit, prefixes).events;
    return structuredClone(this.log.slice(start, start + limit));
  }

  subscribeAll(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    const prefixes = options.streamPrefixes;
    const subscription = new PollingSubscription(
      async (after, limit) =>
        prefixes && prefixes.length > 0 ? this.readFiltered(after, limit, prefixes) : pageOf(await this.readAll({ after, limit }), after),
      handler,
      options,
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Positions are 1-based indexes into the log, so `after` is where to start. */
  private readFiltered(after: number, limit: number, prefixes: readonly string[]): { events: RecordedEvent[]; readTo: number } {
    const head = this.log.length;
    const events: RecordedEvent[] = [];
    for (let i = after; i < head && events.length < limit; i++) {
      if (inStreamPrefixes(this.log[i].streamId, prefixes)) events.push(structuredClone(this.log[i]));
    }
    return { events, readTo: events.length === limit ? events[events.length - 1].globalPosition : head };
  }

  async headPosition(): Promise<number> {
    return this.log.length;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }
}
