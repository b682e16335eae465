import './tracing';
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ContactsPatterns, ExtendedFieldsPatterns, LabelsPatterns, WebhooksPatterns } from '@cp/contracts';
import { listenOn, readEnv, runMain, stopOnSignals } from '@cp/config';
import { FEED_WAIT_LIMIT_MS, GatewayModule, gatewayHttpAdapter, HttpDrain, RateLimitConfig, RateLimiter, rateLimitsEnabled, RedisRateLimitStore, setupOpenApi, UnsubscribeLinks } from '@cp/gateway';
import { createLogger, Logger, processMetrics, stopTracing, useAsNestLogger } from '@cp/observability';
import { ensureTopics, kafkaServiceClient } from '@cp/runtime';
import { gatewayEnv } from './config';

/** How long a stop waits for the requests in flight, and how long the whole stop may take. */
const DRAIN_LIMIT_MS = 10_000;
const SHUTDOWN_LIMIT_MS = 15_000;

/** The public API as its own process, reaching the services over Kafka. */
runMain(async () => {
  const { kafka, host, port, apiKeys, rateLimits, redisUrl, corsOrigins, unsubscribeLinks: linkConfig, logging, metrics: serveMetrics } = readEnv(gatewayEnv);
  const log = createLogger(logging, 'gateway');
  const logger = useAsNestLogger(log);
  const unsubscribeLinks = new UnsubscribeLinks(linkConfig);
  const rateLimiter = redisUrl && rateLimitsEnabled(rateLimits) ? await redisRateLimiter(rateLimits, redisUrl, log) : undefined;

  await ensureTopics(kafka);
  const [contacts, labels, extendedFields, webhooks] = await Promise.all([
    kafkaServiceClient('gateway', 'contacts', Object.values(ContactsPatterns), kafka),
    kafkaServiceClient('gateway', 'labels', Object.values(LabelsPatterns), kafka),
    kafkaServiceClient('gateway', 'extended-fields', Object.values(ExtendedFieldsPatterns), kafka),
    // The feed's long poll answers within FEED_WAIT_LIMIT_MS: this client waits longer than that.
    kafkaServiceClient('gateway', 'webhooks', Object.values(WebhooksPatterns), { ...kafka, requestTimeoutMs: Math.max(kafka.requestTimeoutMs, FEED_WAIT_LIMIT_MS + 5_000) }),
  ]);
  const drain = new HttpDrain();
  const metrics = processMetrics();
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register({
      services: { contacts: contacts.client, labels: labels.client, extendedFields: extendedFields.client, webhooks: webhooks.client },
      apiKeys,
      rateLimiter,
      unsubscribeLinks,
      drain,
      metrics: serveMetrics ? metrics : undefined,
    }),
    gatewayHttpAdapter({ accessLog: log, drain, metrics, corsOrigins }),
    { logger },
  );
  setupOpenApi(app as INestApplication);
  await listenOn('PORT', port, () => app.listen(port, host));
  log.info({ url: `http://${host}:${port}` }, `gateway listening on http://${host}:${port}`);
  // Requests received are answered before the Kafka clients they need are closed: the drain first.
  stopOnSignals(
    async (signal) => {
      log.info({ signal }, `gateway stopping (${signal})`);
      const drained = await drain.drain(DRAIN_LIMIT_MS);
      log.info(drained, `stopped accepting connections; answered ${drained.inFlightAtStart + drained.receivedWhileDraining} requests in flight`);
      await app.close();
      await Promise.all([contacts, labels, extendedFields, webhooks].map(({ proxy }) => proxy.close()));
      await stopTracing();
      log.info({ signal }, `gateway stopped (${signal})`);
    },
    { limitMs: SHUTDOWN_LIMIT_MS, report: (message, error) => log.error({ err: error }, message) },
  );
});

/** A Redis that does not answer at boot does not stop the gateway: it serves unlimited, loudly, until Redis is back. */
async function redisRateLimiter(config: RateLimitConfig, url: string, log: Logger): Promise<RateLimiter> {
  const store = new RedisRateLimitStore(url);
  if (!(await store.connect(5000))) {
    log.warn('Redis (REDIS_URL) did not answer within 5 s: requests are NOT rate limited until it does (the gateway keeps trying)');
  }
  return new RateLimiter(config, store);
}
