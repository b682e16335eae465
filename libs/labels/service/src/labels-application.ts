import { HealthReport, IntegrationEvent, PublishedPublicEvent, Topics } from '@cp/contracts';
import { EventStore } from '@cp/event-store';
import { EventPublisher, EventRelay, healthReport, integrationEventKey } from '@cp/messaging';
import { CheckpointStore, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { LabelCommands } from './label-commands';
import { labelIntegrationEvents } from './label-integration-events';
import { labelPublicEventRelay } from './label-public-events';
import { LabelQueries } from './label-queries';
import { LabelsProjection } from './labels-projection';
import { LABELS_SERVICE } from './labels-stream';

export interface LabelsApplicationOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  publisher: EventPublisher;
  logger: ProjectionLogger;
  /** Custom labels a site may have. */
  labelQuota: number;
  /** Where the public-event relay keeps its checkpoint; by default in the read store. */
  publicEventCheckpoints?: CheckpointStore;
}

/** The labels context put together: commands and queries, the read model, and the relays of its integration and public events. */
export class LabelsApplication {
  readonly projection: LabelsProjection;
  readonly commands: LabelCommands;
  readonly queries: LabelQueries;
  readonly relay: EventRelay<IntegrationEvent>;
  readonly publicRelay: EventRelay<PublishedPublicEvent>;

  constructor(private readonly options: LabelsApplicationOptions) {
    const { eventStore, readStore, publisher, logger } = options;
    this.projection = new LabelsProjection(eventStore, readStore, logger);
    this.commands = new LabelCommands(eventStore, this.projection, options.labelQuota);
    this.queries = new LabelQueries(eventStore, readStore, this.commands);
    this.relay = new EventRelay({
      checkpoint: `relay:${LABELS_SERVICE}`,
      topic: Topics.labels,
      events: eventStore,
      readStore,
      map: labelIntegrationEvents,
      key: integrationEventKey,
      publisher,
      logger,
    });
    this.publicRelay = labelPublicEventRelay({ eventStore, readStore, publisher, logger, checkpoints: options.publicEventCheckpoints });
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
    return healthReport(LABELS_SERVICE, {
      eventStore: () => this.options.eventStore.ping(),
      readStore: () => this.options.readStore.ping(),
      projection: () => this.projection.runner.ready || 'catching up',
      relay: () => this.relay.ready || 'catching up',
      publicRelay: () => this.publicRelay.ready || 'catching up',
    });
  }
}
