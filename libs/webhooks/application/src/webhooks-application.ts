import { DataKeys, EventStore, sealEvents } from '@cp/event-store';
import { processMetrics } from '@cp/observability';
import { CheckpointStore } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { DeliveriesReadModel } from './deliveries-read-model';
import { Deliveries } from './deliveries';
import { DeliveryScheduler } from './delivery-scheduler';
import { DeliveryWorker } from './delivery-worker';
import { Dispatcher } from './dispatcher';
import { EventFeed, feedSealingPolicy } from './feed';
import { WebhookSigner, WebhooksLogger, WebhooksSettings, WebhookTransport } from './ports';
import { Replays } from './replays';
import { SubscriptionDirectory } from './subscription-directory';
import { Subscriptions } from './subscriptions';

export interface WebhooksPorts {
  eventStore: EventStore;
  /** The contacts' data keys: feed events about a contact are sealed with its key (docs/privacy.md). */
  dataKeys: DataKeys;
  readStore: ReadStore;
  signer: WebhookSigner;
  transport: WebhookTransport;
  settings: WebhooksSettings;
  logger: WebhooksLogger;
  /**
   * Where the dispatcher and the replays keep their checkpoints (their output, deliveries, is in
   * the event store); by default in the read store.
   */
  checkpoints?: CheckpointStore;
}

export type WebhooksApplication = ReturnType<typeof createWebhooksApplication>;

/** The webhooks context wired on its ports: the feed, subscriptions, dispatch, delivery and replays. */
export function createWebhooksApplication(ports: WebhooksPorts) {
  const { readStore, signer, transport, settings, logger } = ports;
  const eventStore = sealEvents(ports.eventStore, ports.dataKeys, feedSealingPolicy);
  const feed = new EventFeed(eventStore);
  const directory = new SubscriptionDirectory();
  const deliveriesReadModel = new DeliveriesReadModel(eventStore, readStore, logger);
  const worker = new DeliveryWorker(eventStore, feed, directory, deliveriesReadModel, signer, transport, settings, logger);
  const scheduler = new DeliveryScheduler(eventStore, worker);
  const dispatcher = new Dispatcher(eventStore, readStore, directory, scheduler, logger, ports.checkpoints);
  const replays = new Replays(eventStore, readStore, scheduler, logger, ports.checkpoints);
  const subscriptions = new Subscriptions(eventStore, signer, transport);
  const deliveries = new Deliveries(eventStore, deliveriesReadModel, subscriptions, worker);

  let unwatchDepth: (() => void) | undefined;
  return {
    feed,
    subscriptions,
    deliveries,
    worker,
    publicKey: () => ({ publicKey: signer.publicKeyPem, keyId: signer.keyId }),
    /** The read model first, so the worker's first sweep finds what was pending before the restart. */
    async start(): Promise<void> {
      await deliveriesReadModel.start();
      // However long it takes: the worker's first sweep must find every pending delivery (DeliveryWorker).
      await deliveriesReadModel.runner.caughtUp((message) => logger.warn(message));
      await dispatcher.start();
      await replays.start();
      worker.start();
      unwatchDepth = processMetrics().watchQueueDepth('webhook-deliveries', () => worker.holding);
    },
    async stop(): Promise<void> {
      unwatchDepth?.();
      await worker.stop();
      await replays.stop();
      await dispatcher.stop();
      await deliveriesReadModel.stop();
    },
    /** Health probes: a string is why a part is not ready yet. */
    probes: {
      deliveries: () => deliveriesReadModel.runner.ready || 'catching up',
      dispatcher: () => dispatcher.runner.ready || 'catching up',
      replays: () => replays.runner.ready || 'catching up',
    },
  };
}
