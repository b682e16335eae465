import { INestApplication, INestMicroservice, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CONTACTS_READ_MODEL_VERSION, ContactsServiceModule } from '@cp/contacts-service';
import { ExtendedFieldsServiceModule, FIELDS_READ_MODEL_VERSION } from '@cp/extended-fields-service';
import { LABELS_READ_MODEL_VERSION, LabelsServiceModule } from '@cp/labels-service';
import { SqliteEventStore } from '@cp/event-store';
import { FEED_WAIT_LIMIT_MS, GatewayModule, gatewayHttpAdapter, MemoryRateLimitStore, RateLimiter, rateLimitsEnabled, DEFAULT_UNSUBSCRIBE_LINK_TTL_SECONDS, setupOpenApi, UnsubscribeLinks } from '@cp/gateway';
import { listenOn } from '@cp/config';
import { InProcessBroker, InProcessClient, InProcessServer, ServiceClient } from '@cp/messaging';
import { SqliteCheckpointStore } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { StandaloneConfig } from './config';
import { checkpointsFile, eventStoreFile, markDataDirServed, openReadStore } from './data-files';
import { loadOrCreateDefaultKey, loadOrCreateUnsubscribeSecret } from './default-key';
import { standaloneWebhooksModule, startWebhooksWorker } from './webhooks-thread';

export interface RunningStandalone {
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: LogLevel[] | false;
  /**
   * The webhooks service in a worker thread of its own (the built app does so: main.ts), so
   * that delivery does not take its time from requests. Needs the compiled worker script, so
   * suites that run the sources keep it in the main thread.
   */
  webhooksInWorker?: boolean;
  /** Called once with what a newcomer needs to get in when no API_KEYS were given. */
  announce?: (lines: string[]) => void;
}

/**
 * One process, zero setup: the gateway and every service, joined by the in-process transport,
 * each service on its own SQLite event store under DATA_DIR, and read stores in memory (rebuilt
 * from the events at start) or in SQLite files beside them (READ_STORE=sqlite: projections
 * resume from checkpoints kept beside their read models).
 */
export async function startStandalone(config: StandaloneConfig, options: StartOptions = {}): Promise<RunningStandalone> {
  const logger = options.logger ?? ['log', 'warn', 'error'];
  const broker = new InProcessBroker();
  const apiKeys = config.apiKeys ?? [defaultKey(config, options.announce)];

  const unmarkDataDir = markDataDirServed(config.dataDir);
  const client = () => new ServiceClient(new InProcessClient(broker));
  const store = (service: string) => new SqliteEventStore(eventStoreFile(config.dataDir, service));
  const readStores: ReadStore[] = [];
  const readStore = (service: string, schemaVersion: number) => {
    const opened = openReadStore(config.readStore, config.dataDir, service, schemaVersion);
    readStores.push(opened);
    return opened;
  };
  // Relays into the webhooks feed and the webhooks dispatcher write durable output: they resume from here.
  const checkpoints = new SqliteCheckpointStore(checkpointsFile(config.dataDir));
  const webhooksSettings = { dataDir: config.dataDir, readStore: config.readStore, webhooks: config.webhooks, logger };
  // Started first, so that it listens before the other services' relays publish their public events.
  const webhooksWorker = options.webhooksInWorker ? await startWebhooksWorker(broker, webhooksSettings, exitOnWorkerDeath) : undefined;
  const serviceModules = [
    ...(webhooksWorker ? [] : [standaloneWebhooksModule(webhooksSettings, checkpoints)]),
    ContactsServiceModule.register({
      eventStore: store('contacts'),
      readStore: readStore('contacts', CONTACTS_READ_MODEL_VERSION),
      labels: client(),
      extendedFields: client(),
      bus: new InProcessClient(broker),
      publicEventCheckpoints: checkpoints,
    }),
    LabelsServiceModule.register({
      eventStore: store('labels'),
      readStore: readStore('labels', LABELS_READ_MODEL_VERSION),
      bus: new InProcessClient(broker),
      labelQuota: config.labelQuota,
      publicEventCheckpoints: checkpoints,
    }),
    ExtendedFieldsServiceModule.register({
      eventStore: store('extended-fields'),
      readStore: readStore('extended-fields', FIELDS_READ_MODEL_VERSION),
      bus: new InProcessClient(broker),
      publicEventCheckpoints: checkpoints,
    }),
  ];
  const services: INestMicroservice[] = [];
  for (const module of serviceModules) {
    const service = await NestFactory.createMicroservice(module, { strategy: new InProcessServer(broker), logger });
    await service.listen();
    services.push(service);
  }

  const gateway = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register({ services: { contacts: client(), labels: client(), extendedFields: client(), webhooks: new ServiceClient(new InProcessClient(broker), FEED_WAIT_LIMIT_MS + 5_000) }, apiKeys, rateLimiter: memoryRateLimiter(config), unsubscribeLinks: unsubscribeLinks(config) }),
    gatewayHttpAdapter(),
    { logger },
  );
  setupOpenApi(gateway as INestApplication);
  await listenOn('PORT', config.port, () => gateway.listen(config.port, config.host));
  const address = gateway.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  return {
    url: `http://${config.host}:${port}`,
    close: async () => {
      await gateway.close();
      for (const service of services) await service.close();
      await webhooksWorker?.close();
      checkpoints.close();
      for (const opened of readStores) await opened.close();
      unmarkDataDir();
    },
  };
}

/** A dead webhooks worker stops the app (exit 1) rather than leave it accepting writes it never delivers. */
function exitOnWorkerDeath(error: Error): void {
  console.error(`${error.message}: stopping, so that a supervisor restarts the app`);
  process.exitCode = 1;
  process.kill(process.pid, 'SIGTERM');
}

function unsubscribeLinks(config: StandaloneConfig): UnsubscribeLinks {
  const { secret, ...rest } = config.unsubscribeLinks ?? { ttlSeconds: DEFAULT_UNSUBSCRIBE_LINK_TTL_SECONDS };
  return new UnsubscribeLinks({ ...rest, secret: secret ?? loadOrCreateUnsubscribeSecret(config.dataDir) });
}

/** One process: the buckets can live in its memory. */
function memoryRateLimiter(config: StandaloneConfig): RateLimiter | undefined {
  return config.rateLimits && rateLimitsEnabled(config.rateLimits) ? new RateLimiter(config.rateLimits, new MemoryRateLimitStore()) : undefined;
}

function defaultKey(config: StandaloneConfig, announce: StartOptions['announce']) {
  const { key, file, created } = loadOrCreateDefaultKey(config.dataDir);
  const lines = created
    ? [
        'No API_KEYS set: generated an API key for the site "' + key.sites[0] + '" (shown once; stored in ' + file + ').',
        `  Authorization: ${key.key}`,
        `  wix-site-id:   ${key.sites[0]}`,
        'Set API_KEYS to provision your own keys.',
      ]
    : [`No API_KEYS set: using the generated key stored in ${file} for the site "${key.sites[0]}".`];
  announce?.(lines);
  return key;
}
