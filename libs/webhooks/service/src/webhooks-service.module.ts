import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DataKeys, EventStore } from '@cp/event-store';
import { RpcErrorFilter } from '@cp/messaging';
import { CheckpointStore } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { createWebhooksApplication, WebhooksApplication } from '@cp/webhooks-application';
import { SigningKeys } from '@cp/webhooks-delivery';
import { HttpTransport, KeySigner } from './delivery-adapters';
import { WebhooksConfig } from './webhooks-config';
import { WebhooksMessageController } from './webhooks.message-controller';
import { WEBHOOKS_APPLICATION, WEBHOOKS_PORTS } from './tokens';

export interface WebhooksServiceOptions {
  eventStore: EventStore;
  /** The contacts' data keys, shared with the contacts service (docs/privacy.md); closed with the service. */
  dataKeys: DataKeys;
  readStore: ReadStore;
  signingKeys: SigningKeys;
  config: WebhooksConfig;
  /** Names this process in delivery leases; unique per replica. */
  workerId: string;
  /** No replica shares the store (standalone); see WebhooksSettings.soleWorker. */
  soleWorker?: boolean;
  /** Durable checkpoints for the dispatcher and replays when the read store is not (standalone). */
  checkpoints?: CheckpointStore;
}

@Injectable()
class WebhooksLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(WEBHOOKS_APPLICATION) private readonly app: WebhooksApplication,
    @Inject(WEBHOOKS_PORTS) private readonly ports: WebhooksServiceOptions,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.app.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.app.stop();
    await this.ports.eventStore.close();
    await this.ports.dataKeys.close();
    await this.ports.readStore.close();
  }
}

/** The webhooks service: the change feed, subscriptions, and delivery of every public event. */
@Module({})
export class WebhooksServiceModule {
  static register(options: WebhooksServiceOptions): DynamicModule {
    const { config } = options;
    return {
      module: WebhooksServiceModule,
      controllers: [WebhooksMessageController],
      providers: [
        { provide: WEBHOOKS_PORTS, useValue: options },
        {
          provide: WEBHOOKS_APPLICATION,
          useFactory: () =>
            createWebhooksApplication({
              eventStore: options.eventStore,
              dataKeys: options.dataKeys,
              readStore: options.readStore,
              signer: new KeySigner(options.signingKeys),
              transport: new HttpTransport({ timeoutMs: config.timeoutMs, allowPrivateTargets: config.allowPrivateTargets }),
              settings: {
                retryScheduleMs: config.retryScheduleMs,
                timeoutMs: config.timeoutMs,
                concurrencyPerSubscription: config.concurrencyPerSubscription,
                sweepIntervalMs: config.sweepIntervalMs,
                workerId: options.workerId,
                soleWorker: options.soleWorker,
              },
              logger: new Logger('Webhooks'),
              checkpoints: options.checkpoints,
            }),
        },
        { provide: APP_FILTER, useClass: RpcErrorFilter },
        WebhooksLifecycle,
      ],
    };
  }
}
