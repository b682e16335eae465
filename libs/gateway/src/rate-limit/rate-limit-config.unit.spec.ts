import { checkRateLimitKeyNames, DEFAULT_RATE_LIMIT, limitForKey, parseRateLimits, rateLimitsEnabled, WIX_RATE_LIMIT } from './rate-limit-config';

describe('RATE_LIMITS', () => {
  it('defaults to a generous limit when unset, empty or "default"', () => {
    for (const raw of [undefined, '', '  ', 'default']) {
      const config = parseRateLimits(raw);
      expect(config.defaultLimit).toEqual(DEFAULT_RATE_LIMIT);
      expect(rateLimitsEnabled(config)).toBe(true);
    }
    expect(DEFAULT_RATE_LIMIT).toMatchObject({ ratePerSecond: 50, burst: 500 });
  });

  it('has Wix\'s 200 requests per minute as a preset, and "off"', () => {
    expect(parseRateLimits('wix').defaultLimit).toEqual(WIX_RATE_LIMIT);
    expect(WIX_RATE_LIMIT).toMatchObject({ burst: 200 });
    expect(WIX_RATE_LIMIT.ratePerSecond * 60).toBeCloseTo(200);
    const off = parseRateLimits('off');
    expect(off.defaultLimit).toBeNull();
    expect(rateLimitsEnabled(off)).toBe(false);
  });

  it('reads a JSON rate and burst, with per-key overrides by key name', () => {
    const config = parseRateLimits(
      JSON.stringify({ rate: '600/minute', burst: 50, keys: { ci: 'off', partner: 'wix', tiny: { rate: '1/min', burst: 3 }, hourly: { rate: '7200/hour' } } }),
    );
    expect(config.defaultLimit).toEqual({ rate: '600/minute', ratePerSecond: 10, burst: 50 });
    expect(limitForKey(config, 'anyone')).toEqual(config.defaultLimit);
    expect(limitForKey(config, 'ci')).toBeNull();
    expect(limitForKey(config, 'partner')).toEqual(WIX_RATE_LIMIT);
    expect(limitForKey(config, 'tiny')).toMatchObject({ burst: 3 });
    expect(limitForKey(config, 'tiny')!.ratePerSecond).toBeCloseTo(1 / 60);
    // No burst: "N/unit" may come at once.
    expect(limitForKey(config, 'hourly')).toMatchObject({ ratePerSecond: 2, burst: 7200 });
  });

  it('keeps the default for keys without an override, and is on while any key is limited', () => {
    const config = parseRateLimits('{"keys":{"ci":"off"}}');
    expect(config.defaultLimit).toEqual(DEFAULT_RATE_LIMIT);
    expect(rateLimitsEnabled(parseRateLimits('{"rate":"1/s","keys":{"x":"off"}}'))).toBe(true);
  });

  it('accepts units in any case and short forms', () => {
    expect(parseRateLimits('{"rate":"10/S"}').defaultLimit!.ratePerSecond).toBe(10);
    expect(parseRateLimits('{"rate":"120 / min"}').defaultLimit!.ratePerSecond).toBe(2);
    expect(parseRateLimits('{"rate":"0.5/second","burst":1}').defaultLimit).toMatchObject({ ratePerSecond: 0.5, burst: 1 });
  });

  it('refuses bad values with a message that names RATE_LIMITS', () => {
    const bad = [
      'fast',
      '{not json',
      '[]',
      '{"rate":200}',
      '{"rate":"200"}',
      '{"rate":"0/minute"}',
      '{"rate":"-1/minute"}',
      '{"rate":"5/fortnight"}',
      '{"rate":"5/constructor"}',
      '{"rate":"5/s","burst":0}',
      '{"rate":"5/s","burst":1.5}',
      '{"rate":"5/s","burst":"10"}',
      '{"rate":"5/s","brust":10}',
      '{"burst":10}',
      '{"keys":[]}',
      '{"keys":{"a":"unlimited"}}',
      '{"keys":{"a":{"rate":"1/s","extra":1}}}',
      '{"keys":{"a":42}}',
    ];
    for (const raw of bad) expect(() => parseRateLimits(raw)).toThrow(/RATE_LIMITS/);
    expect(() => parseRateLimits('{"keys":{"a":{"rate":"nope"}}}')).toThrow(/RATE_LIMITS\.keys\["a"\]\.rate/);
  });

  it('refuses overrides for key names that no API key has', () => {
    const config = parseRateLimits('{"keys":{"site-a":"off","typo":"wix"}}');
    expect(() => checkRateLimitKeyNames(config, ['site-a', 'site-b'])).toThrow(/RATE_LIMITS\.keys names no API key called "typo"/);
    expect(() => checkRateLimitKeyNames(config, ['site-a', 'typo'])).not.toThrow();
  });
});
