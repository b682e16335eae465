import { HealthReport, IntegrationEvent, PublishedPublicEvent, Topics } from '@cp/contracts';
import { EventStore } from '@cp/event-store';
import { EventPublisher, EventRelay, healthReport, integrationEventKey } from '@cp/messaging';
import { CheckpointStore, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { FieldCommands } from './field-commands';
import { fieldIntegrationEvents } from './field-integration-events';
import { fieldPublicEventRelay } from './field-public-events';
import { FieldQueries } from './field-queries';
import { FieldsProjection } from './fields-projection';
import { FIELDS_SERVICE } from './fields-stream';

export interface ExtendedFieldsApplicationOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  publisher: EventPublisher;
  logger: ProjectionLogger;
  /** Where the public-event relay keeps its checkpoint; by default in the read store. */
  publicEventCheckpoints?: CheckpointStore;
}

/** The extended-fields context put together: commands and queries, the read model, and the relays of its integration and public events. */
export class ExtendedFieldsApplication {
  readonly projection: FieldsProjection;
  readonly commands: FieldCommands;
  readonly queries: FieldQueries;
  readonly relay: EventRelay<IntegrationEvent>;
  readonly publicRelay: EventRelay<PublishedPublicEvent>;

  constructor(private readonly options: ExtendedFieldsApplicationOptions) {
    const { eventStore, readStore, publisher, logger } = options;
    this.projection = new FieldsProjection(eventStore, readStore, logger);
    this.commands = new FieldCommands(eventStore, this.projection);
    this.queries = new FieldQueries(eventStore, readStore, this.commands);
    this.relay = new EventRelay({
      checkpoint: `relay:${FIELDS_SERVICE}`,
      topic: Topics.extendedFields,
      events: eventStore,
      readStore,
      map: fieldIntegrationEvents,
      key: integrationEventKey,
      publisher,
      logger,
    });
    this.publicRelay = fieldPublicEventRelay({ eventStore, readStore, publisher, logger, checkpoints: options.publicEventCheckpoints });
  }

  /** Serves once its read model has caught up (see CheckpointedProjection.caughtUp). */
  async start(): Promise<void> {
    await this.projection.start();
    await this.projection.runner.caughtUp((message) => this.options.logger.warn(message));
    await this.relay.start();
    await this.publicRelay.start();
  }

  async stop(): Promise<void> {
    await this.publicRelay.stop();
    await this.relay.stop();
    await this.projection.stop();
  }

  health(): Promise<HealthReport> {
    return healthReport(FIELDS_SERVICE, {
      eventStore: () => this.options.eventStore.ping(),
      readStore: () => this.options.readStore.ping(),
      projection: () => this.projection.runner.ready || 'catching up',
      relay: () => this.relay.ready || 'catching up',
      publicRelay: () => this.publicRelay.ready || 'catching up',
    });
  }
}
