import { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { IntegrationEvent, PublishedPublicEvent, siteDocumentId } from '@cp/contracts';
import { EventStore, inTraceOf, RecordedEvent } from '@cp/event-store';
import { CheckpointedProjection, CheckpointStore, ProjectionLogger, Settlement } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { KeyedPipeline } from './keyed-pipeline';

/** Where relayed messages go: the in-process bus or Kafka, both through a Nest ClientProxy. */
export interface EventPublisher {
  publish(topic: string, key: string, value: unknown): Promise<void>;
}

export class ClientProxyPublisher implements EventPublisher {
  constructor(private readonly client: Pick<ClientProxy, 'emit'>) {}

  async publish(topic: string, key: string, value: unknown): Promise<void> {
    // Kafka keys the message by entity, so per-entity order holds across partitions.
    await lastValueFrom(this.client.emit(topic, { key, value }), { defaultValue: undefined });
  }
}

/** Unwraps what ClientProxyPublisher sends, whichever transport carried it. */
export function relayedMessageOf<M extends object>(message: unknown): M {
  const candidate = message as { value?: M } & M;
  return candidate.value && typeof candidate.value === 'object' ? candidate.value : candidate;
}

export const integrationEventOf = (message: unknown): IntegrationEvent => relayedMessageOf<IntegrationEvent>(message);
export const publishedPublicEventOf = (message: unknown): PublishedPublicEvent => relayedMessageOf<PublishedPublicEvent>(message);

/** The message key: `<siteKey>:<entityId>`, which keeps one entity's messages in order. */
export const integrationEventKey = (event: IntegrationEvent): string => siteDocumentId(event.siteId, event.entityId);
export const publicEventKey = (published: PublishedPublicEvent): string => siteDocumentId(published.event.instanceId, published.event.entityId);

export interface EventRelayOptions<M> {
  /** The checkpoint's name, distinct per relay: `relay:<service>` (integration events), `public:<service>` (public events). */
  checkpoint: string;
  topic: string;
  events: EventStore;
  readStore: ReadStore;
  /** The messages one stored event gives, in order (none for events the relay does not announce). */
  map: (event: RecordedEvent) => M[] | Promise<M[]>;
  key: (message: M) => string;
  publisher: EventPublisher;
  logger: ProjectionLogger;
  /** The streams `map` acts on (the store leaves out the rest). */
  streamPrefixes?: readonly string[];
  /** Where the checkpoint is kept when not in `readStore` (see CheckpointedProjection). */
  checkpoints?: CheckpointStore;
}

/**
 * Relays a service's committed events to a topic, at least once: publish, then checkpoint.
 * A crash between the two republishes, which consumers absorb (they are idempotent). A publish
 * that fails (the broker is away longer than the client's own retries) is tried again with
 * backoff until it goes through or the relay stops: the relay never gives up on an event.
 *
 * Publishes are pipelined: up to RELAY_IN_FLIGHT events' messages wait for their acknowledgement
 * at once, one key's messages one after another (so they reach the topic in order), one event's
 * messages in their order, and the checkpoint stays below the oldest event not yet acknowledged. One at a time, the relay ran at one
 * acknowledgement per turn of a busy event loop (docs/performance.md, "Webhooks").
 *
 * With tracing on, an event's messages are published in the trace it was written in
 * (RecordedEvent.traceContext), so their consumers join the trace of the request that caused them.
 */
export class EventRelay<M> {
  private readonly runner: CheckpointedProjection;
  private readonly pipeline = new KeyedPipeline(RELAY_IN_FLIGHT);
  private stopping = false;

  constructor(private readonly options: EventRelayOptions<M>) {
    this.runner = new CheckpointedProjection(
      options.checkpoint,
      options.events,
      options.readStore,
      (event) => this.relay(event),
      options.logger,
      options.streamPrefixes,
      options.checkpoints,
    );
  }

  start(): Promise<void> {
    this.stopping = false;
    return this.runner.start();
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.runner.stop();
  }

  get ready(): boolean {
    return this.runner.ready;
  }

  private async relay(event: RecordedEvent): Promise<Settlement | undefined> {
    const messages = await this.options.map(event);
    if (messages.length === 0) return undefined;
    await this.pipeline.room();
    // One event's messages go out in their order (a merge: merged, the target updated, the sources deleted),
    // in the trace of the request that wrote the event: the Kafka instrumentation puts that trace in their headers.
    const publishInOrder = () =>
      inTraceOf(event.traceContext, async () => {
        for (const message of messages) await this.publishUntilDone(message);
      });
    return { settled: this.pipeline.run(messages.map(this.options.key), publishInOrder) };
  }

  private async publishUntilDone(message: M): Promise<void> {
    const { topic, key, publisher, logger, checkpoint } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await publisher.publish(topic, key(message), message);
      } catch (error) {
        if (this.stopping) throw error;
        const delayMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempt - 1));
        logger.warn(`${checkpoint}: publishing failed (attempt ${attempt}), trying again in ${delayMs} ms: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }
}

/** Events whose messages await their acknowledgement at once, per relay. */
const RELAY_IN_FLIGHT = 256;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;

/** A service's relay of its public events to its public topic (`public:<service>` checkpoint, keyed by entity). */
export function publicEventRelay(options: {
  service: string;
  topic: string;
  streamPrefixes: string[];
  map: (event: RecordedEvent) => Promise<PublishedPublicEvent[]>;
  eventStore: EventStore;
  readStore: ReadStore;
  publisher: EventPublisher;
  logger: ProjectionLogger;
  checkpoints?: CheckpointStore;
}): EventRelay<PublishedPublicEvent> {
  return new EventRelay({
    checkpoint: `public:${options.service}`,
    topic: options.topic,
    events: options.eventStore,
    readStore: options.readStore,
    map: options.map,
    key: publicEventKey,
    publisher: options.publisher,
    logger: options.logger,
    streamPrefixes: options.streamPrefixes,
    checkpoints: options.checkpoints,
  });
}
