import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClientProxy } from '@nestjs/microservices';
import { EventStore } from '@cp/event-store';
import { ExtendedFieldsApplication } from './extended-fields-application';
import { ClientProxyPublisher, RpcErrorFilter } from '@cp/messaging';
import { CheckpointStore } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { ExtendedFieldsMessageController } from './extended-fields.message-controller';
import { EXTENDED_FIELDS_APPLICATION, EXTENDED_FIELDS_OPTIONS } from './tokens';

export interface ExtendedFieldsServiceOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  /** Where integration and public events are published (in-process bus or Kafka). */
  bus: Pick<ClientProxy, 'emit' | 'connect' | 'close'>;
  /**
   * Where the public-event relay keeps its checkpoint; by default in the read store. Standalone
   * passes a durable store: the feed it feeds is durable while its read store is rebuilt at start.
   */
  publicEventCheckpoints?: CheckpointStore;
}

/** Starts the context's projection and relays once the bus is up, and closes everything on shutdown. */
@Injectable()
class ExtendedFieldsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EXTENDED_FIELDS_APPLICATION) private readonly fields: ExtendedFieldsApplication,
    @Inject(EXTENDED_FIELDS_OPTIONS) private readonly options: ExtendedFieldsServiceOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.options.bus.connect();
    await this.fields.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.fields.stop();
    await this.options.bus.close();
    await this.options.eventStore.close();
    await this.options.readStore.close();
  }
}

/** The extended-fields service: owns each site's field definitions (values live on contacts). */
@Module({})
export class ExtendedFieldsServiceModule {
  static register(options: ExtendedFieldsServiceOptions): DynamicModule {
    const fields = new ExtendedFieldsApplication({ ...options, publisher: new ClientProxyPublisher(options.bus), logger: new Logger('extended-fields-service') });
    return {
      module: ExtendedFieldsServiceModule,
      controllers: [ExtendedFieldsMessageController],
      providers: [
        { provide: EXTENDED_FIELDS_OPTIONS, useValue: options },
        { provide: EXTENDED_FIELDS_APPLICATION, useValue: fields },
        { provide: APP_FILTER, useClass: RpcErrorFilter },
        ExtendedFieldsLifecycle,
      ],
    };
  }
}
