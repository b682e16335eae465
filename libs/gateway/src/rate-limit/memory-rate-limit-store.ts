import { RateLimit } from './rate-limit-config';
import { RateLimitStore } from './rate-limit-store';
import { BucketState, msUntilFull, RateLimitDecision, takeToken } from './token-bucket';

const SWEEP_EVERY_MS = 60_000;

/** Buckets in this process's memory (standalone mode). Full buckets are dropped now and then, so idle sites cost nothing. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, BucketState & { fullAtMs: number }>();
  private lastSweepMs: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweepMs = now();
  }

  async take(bucket: string, limit: RateLimit): Promise<RateLimitDecision> {
    const nowMs = this.now();
    this.sweep(nowMs);
    const { state, decision } = takeToken(limit, this.buckets.get(bucket), nowMs);
    this.buckets.set(bucket, { ...state, fullAtMs: nowMs + msUntilFull(limit, state.tokens) });
    return decision;
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < SWEEP_EVERY_MS) return;
    this.lastSweepMs = nowMs;
    for (const [bucket, state] of this.buckets) if (state.fullAtMs <= nowMs) this.buckets.delete(bucket);
  }
}
