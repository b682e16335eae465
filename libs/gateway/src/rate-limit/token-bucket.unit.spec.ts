import { RateLimit } from './rate-limit-config';
import { BucketState, refilled, takeToken } from './token-bucket';

const tenPerSecondBurst3: RateLimit = { rate: '10/second', ratePerSecond: 10, burst: 3 };

/** Takes `n` tokens at the same instant; returns the decisions and the last state. */
function takeMany(limit: RateLimit, n: number, nowMs: number, start?: BucketState) {
  let state = start;
  const decisions = [];
  for (let i = 0; i < n; i++) {
    const taken = takeToken(limit, state, nowMs);
    state = taken.state;
    decisions.push(taken.decision);
  }
  return { decisions, state: state! };
}

describe('token bucket', () => {
  it('starts full: a burst is allowed at once, the next request is refused', () => {
    const { decisions } = takeMany(tenPerSecondBurst3, 4, 0);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions.every((d) => d.limit === 3)).toBe(true);
  });

  it('refills at the rate, never above the burst', () => {
    const { state } = takeMany(tenPerSecondBurst3, 3, 0);
    expect(refilled(tenPerSecondBurst3, state, 100)).toBeCloseTo(1);
    expect(refilled(tenPerSecondBurst3, state, 250)).toBeCloseTo(2.5);
    expect(refilled(tenPerSecondBurst3, state, 60_000)).toBe(3);
    expect(takeToken(tenPerSecondBurst3, state, 99).decision.allowed).toBe(false);
    expect(takeToken(tenPerSecondBurst3, state, 100).decision.allowed).toBe(true);
  });

  it('tells when to retry and when the bucket is full again', () => {
    const perMinute: RateLimit = { rate: '1/minute', ratePerSecond: 1 / 60, burst: 2 };
    const { decisions, state } = takeMany(perMinute, 3, 0);
    expect(decisions[0]).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 60, retryAfterSeconds: 0 });
    expect(decisions[1]).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 120 });
    expect(decisions[2]).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 120, retryAfterSeconds: 60 });
    // 15 s later a quarter token has come back: 45 s to wait for a whole one.
    expect(takeToken(perMinute, state, 15_000).decision).toMatchObject({ allowed: false, retryAfterSeconds: 45, resetSeconds: 105 });
  });

  it('never says to retry after 0 seconds while refusing', () => {
    const fast: RateLimit = { rate: '1000/second', ratePerSecond: 1000, burst: 1 };
    const { decisions } = takeMany(fast, 2, 0);
    expect(decisions[1]).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it('adds nothing when the clock goes backwards', () => {
    const { state } = takeMany(tenPerSecondBurst3, 3, 10_000);
    expect(refilled(tenPerSecondBurst3, state, 5_000)).toBe(0);
  });
});
