import { RateLimit } from './rate-limit-config';

/**
 * Token-bucket maths, shared by the in-memory store and (mirrored in Lua) the Redis store:
 * a bucket starts full at `burst` tokens, refills at `ratePerSecond` up to `burst`, and each
 * request takes one token or is refused.
 */
export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** The bucket's capacity (RateLimit-Limit). */
  limit: number;
  /** Whole requests that may be made now (RateLimit-Remaining). */
  remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds until the next request would be allowed; 0 when allowed (Retry-After). */
  retryAfterSeconds: number;
}

/** Takes one token from the bucket as it is at `nowMs`; returns the new state and the decision. */
export function takeToken(limit: RateLimit, state: BucketState | undefined, nowMs: number): { state: BucketState; decision: RateLimitDecision } {
  const available = state ? refilled(limit, state, nowMs) : limit.burst;
  const allowed = available >= 1;
  const tokens = allowed ? available - 1 : available;
  return { state: { tokens, updatedAtMs: nowMs }, decision: decisionOf(limit, allowed, tokens) };
}

/** The decision for a bucket left with `tokens` after a request that was (or was not) allowed. */
export function decisionOf(limit: RateLimit, allowed: boolean, tokens: number): RateLimitDecision {
  const perSecond = limit.ratePerSecond;
  return {
    allowed,
    limit: limit.burst,
    remaining: Math.floor(tokens),
    resetSeconds: Math.max(0, Math.ceil((limit.burst - tokens) / perSecond)),
    // At least 1: a client told to retry after 0 seconds would retry at once and be refused again.
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / perSecond)),
  };
}

/** Tokens in the bucket at `nowMs`; a clock that went backwards adds nothing. */
export function refilled(limit: RateLimit, state: BucketState, nowMs: number): number {
  const elapsedSeconds = Math.max(0, nowMs - state.updatedAtMs) / 1000;
  return Math.min(limit.burst, state.tokens + elapsedSeconds * limit.ratePerSecond);
}

/** How long an untouched bucket takes to be full again, after which its state can be dropped. */
export function msUntilFull(limit: RateLimit, tokens: number): number {
  return Math.ceil(((limit.burst - tokens) / limit.ratePerSecond) * 1000);
}
