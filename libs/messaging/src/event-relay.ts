import { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { IntegrationEvent, siteDocumentId } from '@cp/contracts';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';

/** Where integration events go: the in-process bus or Kafka, both through a Nest ClientProxy. */
export interface EventPublisher {
  publish(topic: string, event: IntegrationEvent): Promise<void>;
}

export class ClientProxyPublisher implements EventPublisher {
  constructor(private readonly client: Pick<ClientProxy, 'emit'>) {}

  async publish(topic: string, event: IntegrationEvent): Promise<void> {
    // Kafka keys the message by entity, so per-entity order holds across partitions.
    await lastValueFrom(this.client.emit(topic, { key: siteDocumentId(event.siteId, event.entityId), value: event }), { defaultValue: undefined });
  }
}

/** Unwraps what ClientProxyPublisher sends, whichever transport carried it. */
export function integrationEventOf(message: unknown): IntegrationEvent {
  const candidate = message as { value?: IntegrationEvent } & IntegrationEvent;
  return candidate.value && typeof candidate.value === 'object' ? candidate.value : candidate;
}

export type IntegrationMapper = (event: RecordedEvent) => IntegrationEvent[];

/**
 * Relays a service's committed events to its topic, at least once: publish, then checkpoint.
 * A crash between the two republishes, which consumers absorb (they are idempotent). A publish
 * that fails (the broker is away longer than the client's own retries) is tried again with
 * backoff until it goes through or the relay stops: the relay never gives up on an event.
 */
export class IntegrationEventRelay {
  private readonly runner: CheckpointedProjection;
  private stopping = false;

  /** `streamPrefixes`: the streams `map` turns into integration events (the store leaves out the rest). */
  constructor(
    name: string,
    topic: string,
    events: EventStore,
    readStore: ReadStore,
    map: IntegrationMapper,
    publisher: EventPublisher,
    logger: ProjectionLogger,
    streamPrefixes?: readonly string[],
  ) {
    this.runner = new CheckpointedProjection(
      `relay:${name}`,
      events,
      readStore,
      async (event) => {
        for (const integration of map(event)) await this.publishUntilDone(() => publisher.publish(topic, integration), logger, name);
      },
      logger,
      streamPrefixes,
    );
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.runner.stop();
  }

  private async publishUntilDone(publish: () => Promise<void>, logger: ProjectionLogger, name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await publish();
      } catch (error) {
        if (this.stopping) throw error;
        const delayMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempt - 1));
        logger.warn(`relay:${name}: publishing failed (attempt ${attempt}), trying again in ${delayMs} ms: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  get ready(): boolean {
    return this.runner.ready;
  }
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;
