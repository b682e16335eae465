import { INestApplication, INestMicroservice, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CONTACTS_READ_MODEL_VERSION, ContactsServiceModule } from '@cp/contacts-service';
import { ExtendedFieldsServiceModule, FIELDS_READ_MODEL_VERSION } from '@cp/extended-fields-service';
import { LABELS_READ_MODEL_VERSION, LabelsServiceModule } from '@cp/labels-service';
import { observeAppends, SqliteEventStore } from '@cp/event-store';
import { FEED_WAIT_LIMIT_MS, GatewayModule, gatewayHttpAdapter, HttpDrain, MemoryRateLimitStore, RateLimiter, rateLimitsEnabled, DEFAULT_UNSUBSCRIBE_LINK_TTL_SECONDS, setupOpenApi, UnsubscribeLinks } from '@cp/gateway';
import { listenOn } from '@cp/config';
import { InProcessBroker, InProcessClient, InProcessServer, ServiceClient } from '@cp/messaging';
import { createLogger, Logger, processMetrics, useAsNestLogger } from '@cp/observability';
import { SqliteCheckpointStore } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { StandaloneConfig } from './config';
import { checkpointsFile, eventStoreFile, markDataDirServed, openDataKeys, openReadStore } from './data-files';
import { loadOrCreateDataKeyEncryptionKey, loadOrCreateDefaultKey, loadOrCreateUnsubscribeSecret } from './default-key';
import { standaloneWebhooksModule, startWebhooksWorker } from './webhooks-thread';

export interface RunningStandalone {
  url: string;
  /** Drains the API (drain.ts: in-flight requests are answered, no new connection accepted), then closes everything. */
  close(): Promise<void>;
}

/** How long a stop waits for the requests in flight before it closes the services under them. */
export const DRAIN_LIMIT_MS = 10_000;

export interface StartOptions {
  /** The process's logger (Nest's logs, one line per request); false: silent. Default: one from config.logging. */
  log?: Logger | false;
  /**
   * The webhooks service in a worker thread of its own (the built app does so: main.ts), so
   * that delivery does not take its time from requests. Needs the compiled worker script, so
   * suites that run the sources keep it in the main thread.
   */
  webhooksInWorker?: boolean;
  /** Called once, when the app listens, with what a newcomer needs to get in when no API_KEYS were given. */
  announce?: (lines: string[]) => void;
}

/**
 * One process, zero setup: the gateway and every service, joined by the in-process transport,
 * each service on its own SQLite event store under DATA_DIR, and read stores in memory (rebuilt
 * from the events at start) or in SQLite files beside them (READ_STORE=sqlite: projections
 * resume from checkpoints kept beside their read models).
 */
export async function startStandalone(config: StandaloneConfig, options: StartOptions = {}): Promise<RunningStandalone> {
  const log = options.log ?? createLogger(config.logging, 'standalone');
  const logger = log ? useAsNestLogger(log) : false;
  const broker = new InProcessBroker();
  const generated = config.apiKeys ? undefined : defaultKey(config, log);
  const apiKeys = config.apiKeys ?? [generated!.key];

  const unmarkDataDir = markDataDirServed(config.dataDir);
  const client = () => new ServiceClient(new InProcessClient(broker));
  const metrics = processMetrics();
  const masterKey = config.dataKeyEncryptionKey ?? loadOrCreateDataKeyEncryptionKey(config.dataDir);
  const contactsDataKeys = openDataKeys(config.dataDir, masterKey);
  await contactsDataKeys.checkMasterKey(); // a DATA_KEY_ENCRYPTION_KEY other than the one of DATA_DIR's keys stops the start
  const store = (service: string) => observeAppends(new SqliteEventStore(eventStoreFile(config.dataDir, service)), () => metrics.timeAppend(service));
  const readStores: ReadStore[] = [];
  const readStore = (service: string, schemaVersion: number) => {
    const opened = openReadStore(config.readStore, config.dataDir, service, schemaVersion);
    readStores.push(opened);
    return opened;
  };
  // Relays into the webhooks feed and the webhooks dispatcher write durable output: they resume from here.
  const checkpoints = new SqliteCheckpointStore(checkpointsFile(config.dataDir));
  const webhooksSettings = { dataDir: config.dataDir, readStore: config.readStore, webhooks: config.webhooks, logging: log ? config.logging : false, dataKeyEncryptionKey: masterKey } as const;
  // Started first, so that it listens before the other services' relays publish their public events.
  const webhooksWorker = options.webhooksInWorker ? await startWebhooksWorker(broker, webhooksSettings, exitOnWorkerDeath) : undefined;
  const unwatchWorker = webhooksWorker && metrics.addPeer(webhooksWorker.metrics);
  const serviceModules = [
    ...(webhooksWorker ? [] : [standaloneWebhooksModule(webhooksSettings, checkpoints)]),
    ContactsServiceModule.register({
      eventStore: store('contacts'),
      dataKeys: contactsDataKeys,
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

  const drain = new HttpDrain();
  const gateway = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register({
      services: { contacts: client(), labels: client(), extendedFields: client(), webhooks: new ServiceClient(new InProcessClient(broker), FEED_WAIT_LIMIT_MS + 5_000) },
      apiKeys,
      rateLimiter: memoryRateLimiter(config),
      unsubscribeLinks: unsubscribeLinks(config),
      drain,
      metrics: config.metrics === false ? undefined : metrics,
    }),
    gatewayHttpAdapter({ accessLog: log || undefined, drain, metrics, corsOrigins: config.corsOrigins }),
    { logger },
  );
  setupOpenApi(gateway as INestApplication);
  await listenOn('PORT', config.port, () => gateway.listen(config.port, config.host));
  const address = gateway.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (generated?.announcement) options.announce?.(generated.announcement);

  return {
    url: `http://${config.host}:${port}`,
    close: async () => {
      // The gateway first, and only once it has answered what it received: those requests need the services.
      const drained = await drain.drain(DRAIN_LIMIT_MS);
      if (log) log.info(drained, `stopped accepting connections; answered ${drained.inFlightAtStart + drained.receivedWhileDraining} requests in flight`);
      await gateway.close();
      for (const service of services) await service.close();
      unwatchWorker?.();
      await webhooksWorker?.close();
      checkpoints.close();
      for (const opened of readStores) await opened.close();
      unmarkDataDir();
    },
  };
}

/** A dead webhooks worker stops the app (exit 1) rather than leave it accepting writes it never delivers. */
function exitOnWorkerDeath(error: Error): void {
  new NestLogger('standalone').error(`${error.message}: stopping, so that a supervisor restarts the app`);
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

/** With no API_KEYS: the default site's key, and on its first start what to announce (once, since it is shown once). */
function defaultKey(config: StandaloneConfig, log: Logger | false) {
  const { key, file, created } = loadOrCreateDefaultKey(config.dataDir);
  if (!created) {
    if (log) log.info({ keyFile: file, siteId: key.sites[0] }, `No API_KEYS set: using the generated key stored in ${file} for the site "${key.sites[0]}"`);
    return { key };
  }
  const announcement = [
    `No API_KEYS set: generated an API key for the site "${key.sites[0]}".`,
    `It is shown once; it is stored in ${file}.`,
    '',
    `  Authorization: ${key.key}`,
    `  wix-site-id:   ${key.sites[0]}`,
    '',
    'Set API_KEYS to provision your own keys.',
  ];
  return { key, announcement };
}
