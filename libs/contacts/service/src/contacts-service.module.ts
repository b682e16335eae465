import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { contactPublicEventRelay, ContactsApplication, createContactsApplication } from '@cp/contacts-application';
import { DataKeys, EventStore } from '@cp/event-store';
import { ClientProxy } from '@nestjs/microservices';
import { PublishedPublicEvent } from '@cp/contracts';
import { ClientProxyPublisher, EventRelay, RpcErrorFilter, ServiceClient } from '@cp/messaging';
import { CheckpointStore } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { ContactsMessageController } from './contacts.message-controller';
import { ServiceDefinitionOwners } from './definition-owners';
import { CONTACTS_APPLICATION, CONTACTS_PORTS } from './tokens';

export interface ContactsServiceOptions {
  eventStore: EventStore;
  /** The contacts' data keys (docs/privacy.md): their personal data is sealed with them; closed with the service. */
  dataKeys: DataKeys;
  readStore: ReadStore;
  /** The owners of label and field definitions, asked when the local copy misses a key. */
  labels: ServiceClient;
  extendedFields: ServiceClient;
  /** Where the contacts' public events go (`contacts.public-events`): the in-process bus or Kafka. */
  bus: Pick<ClientProxy, 'emit' | 'connect' | 'close'>;
  /**
   * Where the public-event relay keeps its checkpoint; by default in the read store. Standalone
   * passes a durable store: the feed it feeds is durable while its read store is rebuilt at start.
   */
  publicEventCheckpoints?: CheckpointStore;
}

/** Starts the projection with the service and stops it (and the stores) on shutdown. */
@Injectable()
class ContactsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CONTACTS_APPLICATION) private readonly app: ContactsApplication,
    @Inject(CONTACTS_PORTS) private readonly ports: ContactsServiceOptions,
    private readonly relay: EventRelay<PublishedPublicEvent>,
  ) {}

  /** Serves once its read models have caught up: a half-rebuilt one would answer with contacts missing and let duplicates in. */
  async onApplicationBootstrap(): Promise<void> {
    await this.app.projection.start();
    await this.app.bulkJobs.projection.start();
    await this.app.imports.projection.start();
    const report = (message: string) => new Logger('ContactsService').warn(message);
    await this.app.projection.caughtUp(report);
    await this.app.bulkJobs.projection.caughtUp(report);
    await this.app.imports.projection.caughtUp(report);
    await this.app.mergeCompleter.start();
    void this.app.bulkJobs.resumeUnfinished();
    void this.app.imports.resumeUnfinished();
    await this.ports.bus.connect();
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.ports.bus.close();
    await this.app.bulkJobs.stop();
    await this.app.imports.stop();
    await this.app.mergeCompleter.stop();
    await this.app.projection.stop();
    await this.ports.eventStore.close();
    await this.ports.dataKeys.close();
    await this.ports.readStore.close();
  }
}

/** The contacts service: owns the Contact aggregate, its events and its read model. */
@Module({})
export class ContactsServiceModule {
  static register(options: ContactsServiceOptions): DynamicModule {
    const logger = new Logger('ContactsProjection');
    return {
      module: ContactsServiceModule,
      controllers: [ContactsMessageController],
      providers: [
        { provide: CONTACTS_PORTS, useValue: options },
        {
          provide: CONTACTS_APPLICATION,
          useFactory: () => createContactsApplication({
            eventStore: options.eventStore,
            readStore: options.readStore,
            owners: new ServiceDefinitionOwners(options.labels, options.extendedFields),
            dataKeys: options.dataKeys,
            logger,
          }),
        },
        // The public-event relay, by its class: the lifecycle runs it, health reports it.
        {
          provide: EventRelay,
          inject: [CONTACTS_APPLICATION],
          useFactory: (app: ContactsApplication) =>
            contactPublicEventRelay({
              eventStore: app.eventStore,
              identityStreams: app.identityStreams,
              readStore: options.readStore,
              publisher: new ClientProxyPublisher(options.bus),
              logger: new Logger('ContactsPublicEvents'),
              checkpoints: options.publicEventCheckpoints,
            }),
        },
        { provide: APP_FILTER, useClass: RpcErrorFilter },
        ContactsLifecycle,
      ],
    };
  }
}
