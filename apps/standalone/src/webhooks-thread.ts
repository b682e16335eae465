import { DynamicModule, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { constants, setPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { observeAppends, SqliteEventStore } from '@cp/event-store';
import { Broker, connectBrokerToPort, InProcessServer } from '@cp/messaging';
import { createLogger, LogSettings, MetricsSnapshot, processMetrics, useAsNestLogger, useWorkerThreadMetrics } from '@cp/observability';
import { CheckpointStore, SqliteCheckpointStore } from '@cp/projection';
import { loadSigningKeys, WEBHOOKS_READ_MODEL_VERSION, WebhooksConfig, WebhooksServiceModule } from '@cp/webhooks-service';
import type { ReadStoreKind } from './config';
import { checkpointsFile, eventStoreFile, openDataKeys, openReadStore } from './data-files';

/** What the webhooks service of the standalone app is made of, in whichever thread it runs. */
export interface StandaloneWebhooks {
  dataDir: string;
  readStore: ReadStoreKind;
  webhooks: WebhooksConfig;
  /** The main thread's LOG_LEVEL and LOG_FORMAT (a worker builds a logger of its own from them); false: silent. */
  logging: LogSettings | false;
  /** The master key of the data keys, which the webhooks service opens on a connection of its own. */
  dataKeyEncryptionKey: Buffer;
}

export function standaloneWebhooksModule(settings: StandaloneWebhooks, checkpoints: CheckpointStore): DynamicModule {
  return WebhooksServiceModule.register({
    eventStore: observeAppends(new SqliteEventStore(eventStoreFile(settings.dataDir, 'webhooks')), () => processMetrics().timeAppend('webhooks')),
    dataKeys: openDataKeys(settings.dataDir, Buffer.from(settings.dataKeyEncryptionKey)),
    readStore: openReadStore(settings.readStore, settings.dataDir, 'webhooks', WEBHOOKS_READ_MODEL_VERSION),
    signingKeys: loadSigningKeys({ privateKeyPem: settings.webhooks.privateKeyPem, dataDir: settings.dataDir }),
    config: settings.webhooks,
    // One process owns DATA_DIR: a restart may take over the leases of the process before it at
    // once, and no other worker shares the deliveries.
    workerId: 'standalone',
    soleWorker: true,
    checkpoints,
  });
}

export interface WebhooksWorker {
  /** The worker's metrics (its projections' lag, its appends, deliveries held), for the main thread's /metrics. */
  metrics(): Promise<MetricsSnapshot>;
  close(): Promise<void>;
}

/** What the main thread asks the worker for at each scrape, over the broker they share. */
const WORKER_METRICS = 'standalone.webhooks-worker.metrics';

/**
 * Starts the webhooks service in a worker thread (webhooks-worker.js beside this file: the built
 * app) joined to `broker`, and resolves once it serves and listens, so the other services'
 * relays find it there. A worker that dies takes the process down (`onExit`): an app that
 * accepts writes but delivers no webhook must not look healthy.
 */
export async function startWebhooksWorker(broker: Broker, settings: StandaloneWebhooks, onExit: (error: Error) => void): Promise<WebhooksWorker> {
  const worker = new Worker(join(__dirname, 'webhooks-worker.js'), { workerData: settings });
  const disconnect = connectBrokerToPort(broker, worker);
  let closing = false;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      const error = new Error(`the webhooks worker exited (code ${code})`);
      disconnect(error);
      if (!closing) onExit(error);
      resolve();
    }),
  );
  worker.on('error', (error) => new Logger('webhooks-worker').error(error));
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: { t?: string }) => {
      if (message?.t !== 'ready') return;
      worker.off('message', onMessage);
      resolve();
    };
    worker.on('message', onMessage);
    void exited.then(() => reject(new Error('the webhooks worker exited while starting')));
  });
  return {
    metrics: async () => (await broker.request(WORKER_METRICS, {}))?.parse<MetricsSnapshot>() ?? [],
    close: async () => {
      closing = true;
      worker.postMessage({ t: 'close' });
      await exited;
    },
  };
}

/** The worker's side: the webhooks service on a broker whose other end is the main thread. */
export async function runWebhooksWorker(port: import('node:worker_threads').MessagePort, settings: StandaloneWebhooks, broker: Broker): Promise<void> {
  const metrics = useWorkerThreadMetrics();
  broker.serve(WORKER_METRICS, () => metrics.snapshot());
  const logger = settings.logging ? useAsNestLogger(createLogger(settings.logging, 'standalone').child({ thread: 'webhooks' })) : false;
  if (!logger) Logger.overrideLogger(false);
  raiseDeliveryPriority();
  const checkpoints = new SqliteCheckpointStore(checkpointsFile(settings.dataDir));
  const service = await NestFactory.createMicroservice(standaloneWebhooksModule(settings, checkpoints), { strategy: new InProcessServer(broker), logger });
  await service.listen();
  port.on('message', (message: { t?: string }) => {
    if (message?.t !== 'close') return;
    // process.exit in a worker ends the thread only; open keep-alive sockets would keep it running.
    void service.close().finally(() => {
      checkpoints.close();
      process.exit(0);
    });
  });
  port.postMessage({ t: 'ready' });
}

/**
 * The worker thread runs above the main thread's scheduling priority (this thread only: Linux
 * keeps a nice value per thread). Every write becomes deliveries here, and under a saturating
 * load the two threads split the cores evenly, so the deliveries fell behind the writes by
 * hundreds of milliseconds and more (docs/performance.md, "Webhook lag"); what it takes is bounded
 * by the writes, so requests keep the rest. Raising a priority needs CAP_SYS_NICE (root, or
 * `cap_add: [SYS_NICE]`); without it deliveries run at the normal priority, which is said once.
 */
function raiseDeliveryPriority(): void {
  try {
    setPriority(constants.priority.PRIORITY_ABOVE_NORMAL);
  } catch (error) {
    new Logger('webhooks-worker').warn(`webhook deliveries run at normal priority (${(error as NodeJS.ErrnoException).code ?? String(error)}): under a saturating load they may fall behind the writes; grant CAP_SYS_NICE to raise it`);
  }
}
