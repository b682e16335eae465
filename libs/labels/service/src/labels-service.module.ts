import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClientProxy } from '@nestjs/microservices';
import { EventStore } from '@cp/event-store';
import { LabelsApplication } from './labels-application';
import { ClientProxyPublisher, RpcErrorFilter } from '@cp/messaging';
import { CheckpointStore } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { LabelsMessageController } from './labels.message-controller';
import { LABELS_APPLICATION, LABELS_OPTIONS } from './tokens';

export interface LabelsServiceOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  /** Where integration and public events are published (in-process bus or Kafka). */
  bus: Pick<ClientProxy, 'emit' | 'connect' | 'close'>;
  /** Custom labels a site may have; past it Find Or Create answers 428 LABELS_QUOTA_REACHED. */
  labelQuota: number;
  /**
   * Where the public-event relay keeps its checkpoint; by default in the read store. Standalone
   * passes a durable store: the feed it feeds is durable while its read store is rebuilt at start.
   */
  publicEventCheckpoints?: CheckpointStore;
}

export const DEFAULT_LABEL_QUOTA = 1000;

/** Starts the context's projection and relays once the bus is up, and closes everything on shutdown. */
@Injectable()
class LabelsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(LABELS_APPLICATION) private readonly labels: LabelsApplication,
    @Inject(LABELS_OPTIONS) private readonly options: LabelsServiceOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.options.bus.connect();
    await this.labels.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.labels.stop();
    await this.options.bus.close();
    await this.options.eventStore.close();
    await this.options.readStore.close();
  }
}

/** The labels service: owns each site's label catalog, its read model and its integration and public events. */
@Module({})
export class LabelsServiceModule {
  static register(options: LabelsServiceOptions): DynamicModule {
    const labels = new LabelsApplication({ ...options, publisher: new ClientProxyPublisher(options.bus), logger: new Logger('labels-service') });
    return {
      module: LabelsServiceModule,
      controllers: [LabelsMessageController],
      providers: [
        { provide: LABELS_OPTIONS, useValue: options },
        { provide: LABELS_APPLICATION, useValue: labels },
        { provide: APP_FILTER, useClass: RpcErrorFilter },
        LabelsLifecycle,
      ],
    };
  }
}
