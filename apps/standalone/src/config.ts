import { resolve } from 'node:path';
import {
  ApiKey,
  ApiKeyConfigError,
  checkRateLimitKeyNames,
  parseApiKeys,
  parseRateLimits,
  parseUnsubscribeLinkConfig,
  RateLimitConfig,
  RateLimitConfigError,
  UnsubscribeLinkConfig,
  UnsubscribeLinkConfigError,
} from '@cp/gateway';
import { DEFAULT_LABEL_QUOTA } from '@cp/labels-service';
import { readWebhooksConfig, WebhooksConfig } from '@cp/webhooks-service';

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
  /** WEBHOOK_* settings. */
  webhooks: WebhooksConfig;
  /** UNSUBSCRIBE_LINK_* settings; absent, or without a secret: one is generated into DATA_DIR. */
  unsubscribeLinks?: Omit<UnsubscribeLinkConfig, 'secret'> & { secret?: Uint8Array };
}

export type ReadStoreKind = 'memory' | 'sqlite';

export class ConfigError extends Error {}

/** Reads and checks the environment; a bad value stops the boot with a message naming it. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): StandaloneConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`);
  const readStore = env.READ_STORE === undefined || env.READ_STORE === '' ? 'memory' : env.READ_STORE;
  if (readStore !== 'memory' && readStore !== 'sqlite') throw new ConfigError(`READ_STORE must be memory or sqlite, got "${env.READ_STORE}"`);
  const labelQuota = env.LABEL_QUOTA === undefined || env.LABEL_QUOTA === '' ? DEFAULT_LABEL_QUOTA : Number(env.LABEL_QUOTA);
  if (!Number.isInteger(labelQuota) || labelQuota < 1) throw new ConfigError(`LABEL_QUOTA must be a positive integer, got "${env.LABEL_QUOTA}"`);
  let apiKeys: ApiKey[] | undefined;
  if (env.API_KEYS !== undefined && env.API_KEYS.trim() !== '') {
    try {
      apiKeys = parseApiKeys(env.API_KEYS);
    } catch (error) {
      if (error instanceof ApiKeyConfigError) throw new ConfigError(error.message);
      throw error;
    }
  }
  let rateLimits: RateLimitConfig;
  try {
    rateLimits = parseRateLimits(env.RATE_LIMITS);
    if (apiKeys) checkRateLimitKeyNames(rateLimits, apiKeys.map((key) => key.name ?? ''));
  } catch (error) {
    if (error instanceof RateLimitConfigError) throw new ConfigError(error.message);
    throw error;
  }
  let unsubscribeLinks: StandaloneConfig['unsubscribeLinks'];
  try {
    unsubscribeLinks = parseUnsubscribeLinkConfig({ secret: env.UNSUBSCRIBE_LINK_SECRET, baseUrl: env.UNSUBSCRIBE_LINK_BASE_URL, ttlDays: env.UNSUBSCRIBE_LINK_TTL_DAYS });
  } catch (error) {
    if (error instanceof UnsubscribeLinkConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const webhooks = readWebhooksConfig(env);
  if (webhooks.problems.length > 0) throw new ConfigError(webhooks.problems.join('; '));
  return {
    webhooks: webhooks.config,
    unsubscribeLinks,
    host: env.HOST || '127.0.0.1',
    port,
    dataDir: resolve(env.DATA_DIR || './data'),
    readStore,
    labelQuota,
    apiKeys,
    rateLimits,
  };
}
