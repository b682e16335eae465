import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ContactsPatterns, ExtendedFieldsPatterns, LabelsPatterns, WebhooksPatterns } from '@cp/contracts';
import { listenOn, readEnv, runMain } from '@cp/config';
import { FEED_WAIT_LIMIT_MS, GatewayModule, gatewayHttpAdapter, RateLimitConfig, RateLimiter, rateLimitsEnabled, RedisRateLimitStore, setupOpenApi, UnsubscribeLinks } from '@cp/gateway';
import { ensureTopics, kafkaServiceClient } from '@cp/runtime';
import { gatewayEnv } from './config';

/** The public API as its own process, reaching the services over Kafka. */
runMain(async () => {
  const { kafka, host, port, apiKeys, rateLimits, redisUrl, unsubscribeLinks: linkConfig } = readEnv(gatewayEnv);
  const unsubscribeLinks = new UnsubscribeLinks(linkConfig);
  const rateLimiter = redisUrl && rateLimitsEnabled(rateLimits) ? await redisRateLimiter(rateLimits, redisUrl) : undefined;

  await ensureTopics(kafka);
  const [contacts, labels, extendedFields, webhooks] = await Promise.all([
    kafkaServiceClient('gateway', 'contacts', Object.values(ContactsPatterns), kafka),
    kafkaServiceClient('gateway', 'labels', Object.values(LabelsPatterns), kafka),
    kafkaServiceClient('gateway', 'extended-fields', Object.values(ExtendedFieldsPatterns), kafka),
    // The feed's long poll answers within FEED_WAIT_LIMIT_MS: this client waits longer than that.
    kafkaServiceClient('gateway', 'webhooks', Object.values(WebhooksPatterns), { ...kafka, requestTimeoutMs: Math.max(kafka.requestTimeoutMs, FEED_WAIT_LIMIT_MS + 5_000) }),
  ]);
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register({ services: { contacts: contacts.client, labels: labels.client, extendedFields: extendedFields.client, webhooks: webhooks.client }, apiKeys, rateLimiter, unsubscribeLinks }),
    gatewayHttpAdapter(),
  );
  setupOpenApi(app as INestApplication);
  app.enableShutdownHooks();
  await listenOn('PORT', port, () => app.listen(port, host));
  console.log(`gateway listening on http://${host}:${port}`);
});

/** A Redis that does not answer at boot does not stop the gateway: it serves unlimited, loudly, until Redis is back. */
async function redisRateLimiter(config: RateLimitConfig, url: string): Promise<RateLimiter> {
  const store = new RedisRateLimitStore(url);
  if (!(await store.connect(5000))) {
    console.warn('WARNING: Redis (REDIS_URL) did not answer within 5 s: requests are NOT rate limited until it does (the gateway keeps trying)');
  }
  return new RateLimiter(config, store);
}
