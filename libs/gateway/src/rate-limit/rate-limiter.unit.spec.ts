import { Logger } from '@nestjs/common';
import { MemoryRateLimitStore } from './memory-rate-limit-store';
import { parseRateLimits } from './rate-limit-config';
import { bucketId, RateLimitStore } from './rate-limit-store';
import { RateLimiter } from './rate-limiter';

const config = parseRateLimits(JSON.stringify({ rate: '1/minute', burst: 2, keys: { unlimited: 'off' } }));

async function allowedOf(limiter: RateLimiter, key: string, site: string, n: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await limiter.check(key, site))?.decision.allowed) allowed++;
  return allowed;
}

describe('rate limiter', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('keeps one bucket per key and site', async () => {
    const limiter = new RateLimiter(config, new MemoryRateLimitStore());
    expect(await allowedOf(limiter, 'a', 'site-1', 5)).toBe(2);
    expect(await allowedOf(limiter, 'a', 'site-2', 5)).toBe(2);
    expect(await allowedOf(limiter, 'b', 'site-1', 5)).toBe(2);
  });

  it('does not limit a key whose override is "off"', async () => {
    const limiter = new RateLimiter(config, new MemoryRateLimitStore());
    expect(await limiter.check('unlimited', 'site-1')).toBeUndefined();
  });

  it('refills with the clock it is given', async () => {
    let now = 0;
    const limiter = new RateLimiter(config, new MemoryRateLimitStore(() => now));
    expect(await allowedOf(limiter, 'a', 's', 3)).toBe(2);
    now += 60_000;
    expect(await allowedOf(limiter, 'a', 's', 3)).toBe(1);
  });

  it('fails open when the store fails, skips it for a while, then uses it again', async () => {
    let now = 0;
    let failing = true;
    const memory = new MemoryRateLimitStore(() => now);
    const store: RateLimitStore = { take: (bucket, limit) => (failing ? Promise.reject(new Error('down')) : memory.take(bucket, limit)) };
    const take = jest.spyOn(store, 'take');
    const limiter = new RateLimiter(config, store, () => now);
    expect(await limiter.check('a', 's')).toBeUndefined();
    expect(await limiter.check('a', 's')).toBeUndefined();
    expect(take).toHaveBeenCalledTimes(1);
    expect(Logger.prototype.warn).toHaveBeenCalledTimes(1);
    failing = false;
    now += 5_000;
    expect((await limiter.check('a', 's'))?.decision.allowed).toBe(true);
  });

  it('names buckets so that a key name cannot pass for another key and site', () => {
    expect(bucketId('a:b', 'c')).not.toEqual(bucketId('a', 'b:c'));
  });

  it('drops buckets that have refilled, so idle sites cost no memory', async () => {
    let now = 0;
    const store = new MemoryRateLimitStore(() => now);
    const limiter = new RateLimiter(config, store, () => now);
    for (let site = 0; site < 10; site++) await limiter.check('a', `site-${site}`);
    expect(store.size).toBe(10);
    now += 120_000;
    await limiter.check('a', 'site-0');
    expect(store.size).toBe(1);
  });
});
