import { defineEnv, EnvRule, EnvValues, port, text, Variable } from '@cp/config';
import {
  corsOriginsVariable,
  rateLimitKeysExist,
  rateLimitsVariable,
  redisUrlVariable,
  redisUrlWhenRateLimited,
  requiredApiKeys,
  UnsubscribeLinkConfig,
  unsubscribeLinkSettings,
  unsubscribeLinkVariables,
} from '@cp/gateway';
import { loggingSettings, loggingVariables, metricsVariables, tracingVariables } from '@cp/observability';
import { kafkaSettings, kafkaVariables } from '@cp/runtime';

const variables = {
  ...kafkaVariables,
  HOST: text('0.0.0.0', { description: 'interface the API listens on.' }),
  PORT: port(3000, { description: 'port the API listens on.' }),
  API_KEYS: requiredApiKeys,
  RATE_LIMITS: rateLimitsVariable,
  REDIS_URL: redisUrlVariable,
  CORS_ORIGINS: corsOriginsVariable,
  ...unsubscribeLinkVariables,
  ...loggingVariables,
  ...metricsVariables,
  ...tracingVariables,
};

/** Replicas must sign unsubscribe links with one key, so none is generated here. */
const unsubscribeSecretRequired: EnvRule<{ UNSUBSCRIBE_LINK_SECRET: Variable<Uint8Array | undefined> }> = {
  uses: ['UNSUBSCRIBE_LINK_SECRET'],
  check(values, report) {
    if (!values.UNSUBSCRIBE_LINK_SECRET) report('UNSUBSCRIBE_LINK_SECRET', 'is required: at least 32 random bytes, base64 (e.g. `openssl rand -base64 32`), the same for every gateway replica');
  },
};

/** The distributed gateway's variables: the public API as its own process, reaching the services over Kafka. */
export const gatewayEnv = defineEnv({
  app: 'gateway',
  about: 'the public API of the distributed platform (node dist/apps/gateway/src/main.js).',
  variables,
  rules: [rateLimitKeysExist, redisUrlWhenRateLimited, unsubscribeSecretRequired],
  settings: (values: EnvValues<typeof variables>) => ({
    kafka: kafkaSettings(values),
    host: values.HOST,
    port: values.PORT,
    apiKeys: values.API_KEYS,
    rateLimits: values.RATE_LIMITS,
    redisUrl: values.REDIS_URL,
    corsOrigins: values.CORS_ORIGINS,
    // unsubscribeSecretRequired has made sure of the secret.
    unsubscribeLinks: unsubscribeLinkSettings(values) as UnsubscribeLinkConfig,
    logging: loggingSettings(values),
    metrics: values.METRICS,
  }),
});
