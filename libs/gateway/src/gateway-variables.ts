import { EnvRule, optionalConnectionUrl, parsedBy, Variable } from '@cp/config';
import { ApiKey, parseApiKeys } from './auth/api-keys';
import { CORS_ORIGINS_FORM, CorsOrigins, parseCorsOrigins } from './http/cors-origins';
import { checkRateLimitKeyNames, parseRateLimits, RateLimitConfig, rateLimitsEnabled } from './rate-limit/rate-limit-config';

/**
 * The gateway's variables, for the standalone app and the distributed gateway alike: what each
 * checks is in the parser next to the feature (api-keys.ts, rate-limit-config.ts, cors-origins.ts).
 */
const API_KEYS_FORM = 'JSON array of {"key","sites","scopes","name"?}: "*" in sites or scopes means all, keys are at least 16 characters, scopes are the API\'s (README, "Configuration"); give every key a name, it identifies the key in events and rate limits.';
const API_KEYS_EXAMPLE = '[{"key":"change-me-to-a-long-secret","sites":["*"],"scopes":["*"],"name":"admin"}]';

/** API_KEYS where it may be unset (the standalone app generates a key). */
export const optionalApiKeys: Variable<ApiKey[] | undefined> = parsedBy((raw) => (raw === undefined ? undefined : parseApiKeys(raw)), {
  description: API_KEYS_FORM,
  example: API_KEYS_EXAMPLE,
  unset: 'a key for default-site is generated into DATA_DIR and shown once',
});

/** API_KEYS where it must be set (the distributed gateway: its replicas must agree on the keys). */
export const requiredApiKeys: Variable<ApiKey[]> = parsedBy(
  (raw) => {
    if (raw === undefined) throw new Error(`is required: a ${API_KEYS_FORM}`);
    return parseApiKeys(raw);
  },
  { description: API_KEYS_FORM, example: API_KEYS_EXAMPLE, required: true },
);

export const rateLimitsVariable: Variable<RateLimitConfig> = parsedBy(parseRateLimits, {
  description:
    'token bucket per API key and site: default (3000 requests/minute, bursts of 500), wix (Wix\'s 200/minute), off, or JSON {"rate":"600/minute","burst":100,"keys":{"<key name>":{"rate":"10/second"} | "off" | "wix"}}; past it, 429 with Retry-After.',
  default: 'default',
});

export const redisUrlVariable: Variable<string | undefined> = optionalConnectionUrl(['redis', 'rediss'], {
  description: "Redis 7 the gateway replicas share their rate-limit buckets through; if it stops answering, requests go through unlimited (with a warning) until it is back.",
  example: 'redis://redis:6379',
  required: 'unless RATE_LIMITS=off',
});

/** Overrides must name keys that exist, so a typo in a name does not silently leave a key at the default. */
export const rateLimitKeysExist: EnvRule<{ API_KEYS: Variable<ApiKey[] | undefined>; RATE_LIMITS: Variable<RateLimitConfig> }> = {
  uses: ['API_KEYS', 'RATE_LIMITS'],
  check(values, report) {
    if (!values.API_KEYS) return;
    try {
      checkRateLimitKeyNames(values.RATE_LIMITS, values.API_KEYS.map((key) => key.name ?? ''));
    } catch (error) {
      report('RATE_LIMITS', (error as Error).message);
    }
  },
};

/** Replicas share their buckets through Redis; without it each would allow the whole limit. */
export const redisUrlWhenRateLimited: EnvRule<{ REDIS_URL: Variable<string | undefined>; RATE_LIMITS: Variable<RateLimitConfig> }> = {
  uses: ['REDIS_URL', 'RATE_LIMITS'],
  check(values, report) {
    if (rateLimitsEnabled(values.RATE_LIMITS) && !values.REDIS_URL) {
      report('REDIS_URL', 'is required while RATE_LIMITS is not "off": the gateway replicas share their rate limits through Redis, e.g. redis://redis:6379');
    }
  },
};

/** CORS_ORIGINS, for the standalone app and the distributed gateway alike. */
export const corsOriginsVariable: Variable<CorsOrigins | undefined> = parsedBy(parseCorsOrigins, {
  description: `pages of which origins may call the API from a browser (CORS): ${CORS_ORIGINS_FORM}. Credentials (cookies) are never allowed; the API key goes in the Authorization header.`,
  example: 'https://app.example.com,http://localhost:5173',
  unset: 'no CORS headers, so pages of other origins cannot call the API from a browser',
});
