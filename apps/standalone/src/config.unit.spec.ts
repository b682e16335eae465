import { DEFAULT_RATE_LIMIT, WIX_RATE_LIMIT } from '@cp/gateway';
import { ConfigError, readConfig } from './config';

const KEYS = JSON.stringify([{ key: 'k'.repeat(20), sites: ['*'], scopes: ['*'], name: 'ci' }]);

describe('standalone configuration: RATE_LIMITS', () => {
  it('is on by default, with the self-hosting default limit', () => {
    expect(readConfig({}).rateLimits?.defaultLimit).toEqual(DEFAULT_RATE_LIMIT);
  });

  it('takes the presets and the JSON form', () => {
    expect(readConfig({ RATE_LIMITS: 'wix' }).rateLimits?.defaultLimit).toEqual(WIX_RATE_LIMIT);
    expect(readConfig({ RATE_LIMITS: 'off' }).rateLimits?.defaultLimit).toBeNull();
    const config = readConfig({ API_KEYS: KEYS, RATE_LIMITS: '{"rate":"60/minute","keys":{"ci":"off"}}' });
    expect(config.rateLimits?.defaultLimit).toMatchObject({ ratePerSecond: 1, burst: 60 });
    expect(config.rateLimits?.keys.get('ci')).toBeNull();
  });

  it('stops the boot on a bad value, naming RATE_LIMITS', () => {
    expect(() => readConfig({ RATE_LIMITS: 'fast' })).toThrow(ConfigError);
    expect(() => readConfig({ RATE_LIMITS: 'fast' })).toThrow(/RATE_LIMITS/);
    expect(() => readConfig({ RATE_LIMITS: '{"rate":"lots"}' })).toThrow(/RATE_LIMITS\.rate/);
    expect(() => readConfig({ API_KEYS: KEYS, RATE_LIMITS: '{"keys":{"cl":"off"}}' })).toThrow(/RATE_LIMITS\.keys names no API key called "cl"/);
  });
});

describe('standalone configuration: READ_STORE', () => {
  it('keeps the read models in memory by default, or in SQLite files', () => {
    expect(readConfig({}).readStore).toBe('memory');
    expect(readConfig({ READ_STORE: 'sqlite' }).readStore).toBe('sqlite');
  });

  it('stops the boot on another value, naming READ_STORE', () => {
    expect(() => readConfig({ READ_STORE: 'postgres' })).toThrow(/READ_STORE must be memory or sqlite, got "postgres"/);
  });
});
