import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ContactsPatterns, ExtendedFieldsPatterns, LabelsPatterns, WebhooksPatterns } from '@cp/contracts';
import {
  ApiKeyConfigError,
  checkRateLimitKeyNames,
  FEED_WAIT_LIMIT_MS,
  GatewayModule,
  gatewayHttpAdapter,
  parseApiKeys,
  parseRateLimits,
  RATE_LIMITS_OFF,
  RateLimitConfig,
  RateLimitConfigError,
  RateLimiter,
  rateLimitsEnabled,
  RedisRateLimitStore,
  setupOpenApi,
  parseUnsubscribeLinkConfig,
  UnsubscribeLinkConfigError,
  UnsubscribeLinks,
} from '@cp/gateway';
import { ConfigError, envReader, ensureTopics, kafkaServiceClient, readKafkaConfig, runMain } from '@cp/runtime';

/** The public API as its own process, reaching the services over Kafka. */
runMain(async () => {
  const env = envReader();
  const kafka = readKafkaConfig(env);
  const port = env.port('PORT', 3000);
  const host = env.optional('HOST') ?? '0.0.0.0';
  const keysJson = env.required('API_KEYS', 'a JSON array of {"key","sites","scopes"} (see README)');
  const rateLimits = env.parsed('RATE_LIMITS', parseRateLimits, RATE_LIMITS_OFF);
  // Replicas share their buckets through Redis; without it each would allow the whole limit.
  const redisUrl = rateLimitsEnabled(rateLimits)
    ? env.parsed('REDIS_URL', requiredRedisUrl, '')
    : env.optional('REDIS_URL');
  // Replicas must sign unsubscribe links with one key, so none is generated here.
  const unsubscribeSecret = env.required('UNSUBSCRIBE_LINK_SECRET', 'at least 32 random bytes, base64 (e.g. `openssl rand -base64 32`), the same for every gateway replica');
  const unsubscribeBaseUrl = env.optional('UNSUBSCRIBE_LINK_BASE_URL');
  const unsubscribeTtlDays = env.optional('UNSUBSCRIBE_LINK_TTL_DAYS');
  env.done();
  let apiKeys;
  let unsubscribeLinks;
  try {
    apiKeys = parseApiKeys(keysJson);
    checkRateLimitKeyNames(rateLimits, apiKeys.map((key) => key.name ?? ''));
    const linkConfig = parseUnsubscribeLinkConfig({ secret: unsubscribeSecret, baseUrl: unsubscribeBaseUrl, ttlDays: unsubscribeTtlDays });
    unsubscribeLinks = new UnsubscribeLinks({ ...linkConfig, secret: linkConfig.secret! });
  } catch (error) {
    throw error instanceof ApiKeyConfigError || error instanceof RateLimitConfigError || error instanceof UnsubscribeLinkConfigError ? new ConfigError(`Configuration error:\n  - ${error.message}`) : error;
  }
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
  await app.listen(port, host);
  console.log(`gateway listening on http://${host}:${port}`);
});

function requiredRedisUrl(raw: string | undefined): string {
  if (!raw) throw new Error('REDIS_URL is required while RATE_LIMITS is not "off": the gateway replicas share their rate limits through Redis, e.g. redis://redis:6379');
  if (!/^rediss?:\/\/./.test(raw)) throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got "${raw}"`);
  return raw;
}

/** A Redis that does not answer at boot does not stop the gateway: it serves unlimited, loudly, until Redis is back. */
async function redisRateLimiter(config: RateLimitConfig, url: string): Promise<RateLimiter> {
  const store = new RedisRateLimitStore(url);
  if (!(await store.connect(5000))) {
    console.warn('WARNING: Redis (REDIS_URL) did not answer within 5 s: requests are NOT rate limited until it does (the gateway keeps trying)');
  }
  return new RateLimiter(config, store);
}
