import { RateLimit } from './rate-limit-config';
import { RateLimitDecision } from './token-bucket';

/**
 * Where buckets live: in memory for one process, in Redis for gateway replicas that must share
 * one limit. `take` is atomic per bucket: concurrent requests never both get the last token.
 */
export interface RateLimitStore {
  take(bucket: string, limit: RateLimit): Promise<RateLimitDecision>;
  close?(): Promise<void>;
}

/** One bucket per API key (by name) and site. Site ids are [A-Za-z0-9_-]; the name is encoded so no ':' in it can shift the split. */
export function bucketId(keyName: string, siteId: string): string {
  return `${encodeURIComponent(keyName)}:${siteId}`;
}
