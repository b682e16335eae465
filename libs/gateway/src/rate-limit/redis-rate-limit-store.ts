import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimit } from './rate-limit-config';
import { RateLimitStore } from './rate-limit-store';
import { decisionOf, RateLimitDecision } from './token-bucket';

const KEY_PREFIX = 'cp:rate-limit:';

/**
 * token-bucket.ts's takeToken, run atomically inside Redis so that every gateway replica takes
 * from the same bucket. Redis's own clock is used, so replicas whose clocks disagree still
 * agree on the refill. The bucket expires once it would be full again: idle buckets cost nothing.
 * ARGV: burst, tokens per second. Returns { allowed (0|1), tokens left (as a string: Lua
 * numbers returned to Redis are truncated to integers) }.
 */
export const TAKE_TOKEN_LUA = `
local burst = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2]) / 1000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if saved[1] and saved[2] then
  tokens = math.min(burst, tonumber(saved[1]) + math.max(0, now - tonumber(saved[2])) * per_ms)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
local left = string.format('%.17g', tokens)
redis.call('HSET', KEYS[1], 'tokens', left, 'at', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / per_ms) + 1000)
return { allowed, left }
`;

interface TakeTokenCommand {
  cpTakeToken(key: string, burst: number, ratePerSecond: number): Promise<[number, string]>;
}

/**
 * Buckets in Redis, shared by every gateway replica. Commands are never queued while Redis is
 * unreachable (they fail at once, and the limiter lets the request through), and a command
 * that hangs gives up after a second; ioredis keeps reconnecting in the background.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: Redis & TakeTokenCommand;
  private connected = false;
  private closing = false;

  constructor(url: string) {
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1000,
      connectTimeout: 2000,
      // ioredis arms this timer on close even for a socket that is already gone; keep it short.
      disconnectTimeout: 500,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    redis.defineCommand('cpTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
    this.redis = redis as Redis & TakeTokenCommand;
    // Said once per outage, not on every reconnect attempt.
    redis.on('ready', () => {
      if (!this.connected) this.logger.log(`connected to Redis at ${redactedUrl(url)}`);
      this.connected = true;
    });
    redis.on('close', () => {
      if (this.connected && !this.closing) this.logger.warn(`lost Redis at ${redactedUrl(url)}: requests are not rate limited until it is back`);
      this.connected = false;
    });
    // Reconnect failures are expected during an outage; the listener keeps ioredis from printing each one.
    redis.on('error', () => undefined);
  }

  /** Connects, waiting at most `timeoutMs`; false if Redis did not answer (the store goes on trying). */
  async connect(timeoutMs = 5000): Promise<boolean> {
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    this.redis.connect().catch(() => undefined);
    return ready;
  }

  async take(bucket: string, limit: RateLimit): Promise<RateLimitDecision> {
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
    const [allowed, tokens] = await this.redis.cpTakeToken(KEY_PREFIX + bucket, limit.burst, limit.ratePerSecond);
    return decisionOf(limit, allowed === 1, Number(tokens));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.redis.disconnect();
  }
}

function redactedUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
