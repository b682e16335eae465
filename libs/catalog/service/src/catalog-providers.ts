import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClientProxy } from '@nestjs/microservices';
import { catalogIntegrationEvents, catalogPublicEventRelay, CatalogService, CatalogSpec } from '@cp/catalog-application';
import { Definition } from '@cp/catalog-domain';
import { HealthReport, IntegrationEvent, PublishedPublicEvent } from '@cp/contracts';
import { EventStore } from '@cp/event-store';
import { ClientProxyPublisher, EventRelay, healthReport, integrationEventKey, RpcErrorFilter } from '@cp/messaging';
import { CheckpointStore } from '@cp/projection';
import { ReadStore } from '@cp/read-store';

export interface CatalogServiceOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  /** Where integration events are published (in-process bus or Kafka). */
  bus: Pick<ClientProxy, 'emit' | 'connect' | 'close'>;
  /**
   * Where the public-event relay keeps its checkpoint; by default in the read store. Standalone
   * passes a durable store: the feed it feeds is durable while its read store is rebuilt at start.
   */
  publicEventCheckpoints?: CheckpointStore;
}

export interface CatalogServiceParts<D extends Definition> {
  catalog: CatalogService<D>;
  relay: EventRelay<IntegrationEvent>;
  publicRelay: EventRelay<PublishedPublicEvent>;
  health(): Promise<HealthReport>;
}

/** Builds a catalog service (labels, extended fields) and the Nest providers that run it. */
export function catalogServiceProviders<D extends Definition>(
  spec: CatalogSpec<D>,
  topic: string,
  options: CatalogServiceOptions,
  token: symbol,
): Provider[] {
  const logger = new Logger(`${spec.name}-service`);
  const catalog = new CatalogService(spec, options.eventStore, options.readStore, logger);
  const publisher = new ClientProxyPublisher(options.bus);
  const relay = new EventRelay({
    checkpoint: `relay:${spec.name}`,
    topic,
    events: options.eventStore,
    readStore: options.readStore,
    map: (event) => catalogIntegrationEvents(spec, event),
    key: integrationEventKey,
    publisher,
    logger,
  });
  const publicRelay = catalogPublicEventRelay(spec, { eventStore: options.eventStore, readStore: options.readStore, publisher, logger, checkpoints: options.publicEventCheckpoints });
  const parts: CatalogServiceParts<D> = {
    catalog,
    relay,
    publicRelay,
    health: () =>
      healthReport(spec.name, {
        eventStore: () => options.eventStore.ping(),
        readStore: () => options.readStore.ping(),
        projection: () => catalog.projection.runner.ready || 'catching up',
        relay: () => relay.ready || 'catching up',
        publicRelay: () => publicRelay.ready || 'catching up',
      }),
  };

  @Injectable()
  class CatalogLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
    constructor(@Inject(token) private readonly running: CatalogServiceParts<D>) {}

    async onApplicationBootstrap(): Promise<void> {
      await options.bus.connect();
      await this.running.catalog.projection.start();
      await this.running.relay.start();
      await this.running.publicRelay.start();
    }

    async onApplicationShutdown(): Promise<void> {
      await this.running.publicRelay.stop();
      await this.running.relay.stop();
      await this.running.catalog.projection.stop();
      await options.bus.close();
      await options.eventStore.close();
      await options.readStore.close();
    }
  }

  return [{ provide: token, useValue: parts }, { provide: APP_FILTER, useClass: RpcErrorFilter }, CatalogLifecycle];
}
