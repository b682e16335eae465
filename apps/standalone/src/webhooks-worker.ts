import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { PortBroker } from '@cp/messaging';
import { runWebhooksWorker, StandaloneWebhooks } from './webhooks-thread';

/** Entry point of the standalone app's webhooks worker thread (see startWebhooksWorker). */
if (!parentPort) throw new Error('webhooks-worker runs as a worker thread of the standalone app');
const port = parentPort;
runWebhooksWorker(port, workerData as StandaloneWebhooks, new PortBroker(port)).catch((error) => {
  console.error('webhooks worker failed to start:', error);
  process.exit(1);
});
