import { defineEnv, directory, directoryIsWritable, oneOf, optionalSecret, port, readEnv, text } from '@cp/config';
import { ApiKey, CorsOrigins, corsOriginsVariable, optionalApiKeys, RateLimitConfig, rateLimitKeysExist, rateLimitsVariable, UnsubscribeLinkConfig, unsubscribeLinkSettings, unsubscribeLinkVariables } from '@cp/gateway';
import { labelQuotaVariable } from '@cp/labels-service';
import { loggingSettings, loggingVariables, LogSettings, metricsVariables, tracingVariables } from '@cp/observability';
import { WebhooksConfig, webhooksSettings, webhooksVariables } from '@cp/webhooks-service';

export interface StandaloneConfig {
  host: string;
  port: number;
  dataDir: string;
  /**
   * Where the read models live (READ_STORE): `memory`, rebuilt from the events at every start, or
   * `sqlite`, a file per service under DATA_DIR that a restart resumes (docs/architecture.md, "The
   * SQLite read store"; its write path is still slower, see docs/performance.md).
   */
  readStore: ReadStoreKind;
  /** Custom labels a site may have (LABEL_QUOTA). */
  labelQuota: number;
  /** Keys from API_KEYS; absent means "generate a key for the default site". */
  apiKeys?: ApiKey[];
  /** Token buckets per API key and site (RATE_LIMITS); absent: no limits. */
  rateLimits?: RateLimitConfig;
  /** Origins whose pages may call the API from a browser (CORS_ORIGINS); absent: no CORS. */
  corsOrigins?: CorsOrigins;
  /** WEBHOOK_* settings. */
  webhooks: WebhooksConfig;
  /** UNSUBSCRIBE_LINK_* settings; absent, or without a secret: one is generated into DATA_DIR. */
  unsubscribeLinks?: Omit<UnsubscribeLinkConfig, 'secret'> & { secret?: Uint8Array };
  /** LOG_LEVEL and LOG_FORMAT (the webhooks worker thread logs with the same). */
  logging: LogSettings;
  /** Whether GET /metrics is served (METRICS); absent: it is. */
  metrics?: boolean;
  /** The master key of the data keys (DATA_KEY_ENCRYPTION_KEY); absent: one is generated into DATA_DIR. */
  dataKeyEncryptionKey?: Buffer;
}

export const READ_STORE_KINDS = ['memory', 'sqlite'] as const;
export type ReadStoreKind = (typeof READ_STORE_KINDS)[number];

/** The standalone app's variables: the gateway's, every service's and its own, checked at start. */
export const standaloneEnv = defineEnv({
  app: 'standalone',
  about: 'the whole platform in one process (npm start, or node dist/apps/standalone/src/main.js).',
  variables: {
    HOST: text('127.0.0.1', { description: 'interface to listen on.' }),
    PORT: port(3000, { description: 'port the API listens on.' }),
    DATA_DIR: directory('./data', {
      description: 'where the SQLite event stores (one per service), the read stores (READ_STORE=sqlite) and the generated keys live; created if missing, and it must be writable.',
    }),
    READ_STORE: oneOf(READ_STORE_KINDS, 'memory', {
      description:
        'where the read models live: memory (rebuilt from the events at every start) or sqlite (a file per service under DATA_DIR; a restart resumes from its checkpoints, memory stays small, but writes are slower for now).',
    }),
    LABEL_QUOTA: labelQuotaVariable,
    DATA_KEY_ENCRYPTION_KEY: optionalSecret(32, {
      description: 'the master key (32 bytes, base64) that wraps the per-contact data keys personal data is sealed with (docs/privacy.md).',
      unset: 'one is generated on first start into DATA_DIR (data-key-encryption-key, mode 0600)',
    }),
    API_KEYS: optionalApiKeys,
    RATE_LIMITS: rateLimitsVariable,
    CORS_ORIGINS: corsOriginsVariable,
    ...unsubscribeLinkVariables,
    ...webhooksVariables,
    ...loggingVariables,
    ...metricsVariables,
    ...tracingVariables,
  },
  rules: [directoryIsWritable('DATA_DIR'), rateLimitKeysExist],
  settings: (values): StandaloneConfig => ({
    host: values.HOST,
    port: values.PORT,
    dataDir: values.DATA_DIR,
    readStore: values.READ_STORE,
    labelQuota: values.LABEL_QUOTA,
    apiKeys: values.API_KEYS,
    rateLimits: values.RATE_LIMITS,
    corsOrigins: values.CORS_ORIGINS,
    unsubscribeLinks: unsubscribeLinkSettings(values),
    webhooks: webhooksSettings(values),
    logging: loggingSettings(values),
    metrics: values.METRICS,
    dataKeyEncryptionKey: values.DATA_KEY_ENCRYPTION_KEY,
  }),
});

/** Reads and checks the environment; bad values stop the boot with a ConfigError listing each. */
export function readStandaloneConfig(env: NodeJS.ProcessEnv = process.env): StandaloneConfig {
  return readEnv(standaloneEnv, env);
}
