import { Logger } from '@nestjs/common';
import { limitForKey, RateLimit, RateLimitConfig } from './rate-limit-config';
import { bucketId, RateLimitStore } from './rate-limit-store';
import { RateLimitDecision } from './token-bucket';

/** After a store failure, requests are let through without asking it for this long. */
const SKIP_STORE_AFTER_FAILURE_MS = 5000;

/**
 * Decides whether a key may make a request for a site. It fails open: when the store cannot
 * answer, the request goes through unlimited and a warning is logged (once per outage), since
 * a broken limiter must not take the API down.
 */
export class RateLimiter {
  private readonly logger = new Logger('RateLimits');
  private failingSinceMs: number | undefined;
  private retryStoreAtMs = 0;

  constructor(
    private readonly config: RateLimitConfig,
    private readonly store: RateLimitStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The limit and the decision, or undefined when the key is not limited or the store is failing. */
  async check(keyName: string, siteId: string): Promise<{ limit: RateLimit; decision: RateLimitDecision } | undefined> {
    const limit = limitForKey(this.config, keyName);
    if (!limit || this.now() < this.retryStoreAtMs) return undefined;
    try {
      const decision = await this.store.take(bucketId(keyName, siteId), limit);
      if (this.failingSinceMs !== undefined) {
        this.logger.log(`rate limits enforced again after ${Math.round((this.now() - this.failingSinceMs) / 1000)} s without`);
        this.failingSinceMs = undefined;
      }
      return { limit, decision };
    } catch (error) {
      if (this.failingSinceMs === undefined) {
        this.failingSinceMs = this.now();
        this.logger.warn(`rate-limit store failed (${(error as Error).message}): requests are let through unlimited until it answers again`);
      }
      this.retryStoreAtMs = this.now() + SKIP_STORE_AFTER_FAILURE_MS;
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.store.close?.();
  }
}
