import { ApiKey, parseRateLimits } from '@cp/gateway';
import { GATEWAY_URL, Harness, KEYS, startHarness, TEST_KEYS, uniqueSite } from './harness';
import fixture from './rate-limits.json';

/**
 * Token buckets per API key and site. Standalone: the app started with the fixture's limits.
 * Distributed: tools/distributed/test.sh starts two gateway replicas with the same limits and
 * one Redis, and names both in E2E_GATEWAY_URLS; requests alternate between them.
 */
const LIMITED_KEY = fixture.keys[0].key;
const BURST = fixture.RATE_LIMITS.keys['rate-limited'].burst;
const REPLICAS = process.env.E2E_GATEWAY_URLS?.split(',').filter(Boolean);

interface Answer {
  status: number;
  headers: Headers;
  body: { details?: { applicationError?: { data: { retryAfterSeconds?: number } } } };
}

async function list(url: string, key: string, site: string): Promise<Answer> {
  const response = await fetch(`${url}/contacts/v4/contacts?paging.limit=1`, { headers: { authorization: key, 'wix-site-id': site } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const describeWhereLimited = GATEWAY_URL && !REPLICAS ? describe.skip : describe;
/** Only test:distributed has several replicas. */
const itAcrossReplicas = (REPLICAS?.length ?? 0) > 1 ? it : it.skip;

describeWhereLimited('rate limits per API key and site', () => {
  let harness: Harness | undefined;
  let urls: string[];
  /** The n-th request goes to replica n mod count. */
  const at = (n: number) => urls[n % urls.length];

  beforeAll(async () => {
    if (REPLICAS) {
      urls = REPLICAS;
      return;
    }
    harness = await startHarness({ apiKeys: [...TEST_KEYS, ...(fixture.keys as ApiKey[])], rateLimits: parseRateLimits(JSON.stringify(fixture.RATE_LIMITS)) });
    urls = [harness.url];
  });
  afterAll(() => harness?.stop());

  it('allows the burst with RateLimit headers, then answers 429 in the error envelope with Retry-After', async () => {
    const site = uniqueSite('rl-burst');
    const allowed: Answer[] = [];
    for (let i = 0; i < BURST; i++) allowed.push(await list(at(i), LIMITED_KEY, site));
    expect(allowed.map((a) => a.status)).toEqual(Array(BURST).fill(200));
    expect(allowed.map((a) => a.headers.get('ratelimit-limit'))).toEqual(Array(BURST).fill(String(BURST)));
    expect(allowed.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(Array.from({ length: BURST }, (_, i) => String(BURST - 1 - i)));
    // One token a minute: the bucket is full again BURST minutes after the first request.
    expect(Number(allowed[BURST - 1].headers.get('ratelimit-reset'))).toBeGreaterThan(60 * (BURST - 1));

    const refused = await list(at(BURST), LIMITED_KEY, site);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      message: expect.stringContaining('Too many requests'),
      details: {
        applicationError: {
          code: 'RATE_LIMITED',
          description: expect.any(String),
          data: expect.objectContaining({ retryAfterSeconds: expect.any(Number), limit: BURST, rate: '1/minute', siteId: site }),
        },
      },
    });
    const retryAfter = refused.body.details!.applicationError!.data.retryAfterSeconds!;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('retry-after')).toBe(String(retryAfter));
    expect(refused.headers.get('ratelimit-limit')).toBe(String(BURST));
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  });

  itAcrossReplicas('holds across gateway replicas: together they allow the burst, not a burst each', async () => {
    const site = uniqueSite('rl-replicas');
    const statuses: number[] = [];
    for (let i = 0; i < BURST * urls.length + 2; i++) statuses.push((await list(at(i), LIMITED_KEY, site)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(BURST);
    expect(statuses.slice(BURST).every((s) => s === 429)).toBe(true);
  });

  it('does not affect another site of the same key, nor another key on the same site', async () => {
    const site = uniqueSite('rl-neighbours');
    for (let i = 0; i <= BURST; i++) await list(at(i), LIMITED_KEY, site);
    expect((await list(at(0), LIMITED_KEY, site)).status).toBe(429);

    const otherSite = await list(at(1), LIMITED_KEY, uniqueSite('rl-neighbours-2'));
    expect(otherSite.status).toBe(200);
    expect(otherSite.headers.get('ratelimit-remaining')).toBe(String(BURST - 1));

    const otherKey = await list(at(0), KEYS.everything, site);
    expect(otherKey.status).toBe(200);
    expect(otherKey.headers.get('ratelimit-limit')).toBe(String(fixture.RATE_LIMITS.burst));
  });

  it('does not limit public routes', async () => {
    for (let i = 0; i < BURST + 2; i++) {
      const response = await fetch(`${at(i)}/openapi.json`, { headers: { authorization: LIMITED_KEY, 'wix-site-id': uniqueSite('rl-public') } });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});

if (GATEWAY_URL && !REPLICAS) {
  console.log('rate-limit suite skipped: E2E_GATEWAY_URLS (the gateway replicas started with apps/standalone/test/rate-limits.json) is not set.');
}
