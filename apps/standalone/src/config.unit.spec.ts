import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cp/config';
import { DEFAULT_RATE_LIMIT, WIX_RATE_LIMIT } from '@cp/gateway';
import { readStandaloneConfig } from './config';

const KEYS = JSON.stringify([{ key: 'k'.repeat(20), sites: ['*'], scopes: ['*'], name: 'ci' }]);
/** Each read gets a data directory of its own: the default, ./data, would be created in the working directory. */
const readConfig = (env: NodeJS.ProcessEnv) => readStandaloneConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'standalone-config-')), ...env });

describe('standalone configuration: defaults', () => {
  it('listens on 127.0.0.1:3000, keeps read models in memory, 1000 labels, webhooks as Wix does', () => {
    expect(readConfig({})).toMatchObject({ host: '127.0.0.1', port: 3000, readStore: 'memory', labelQuota: 1000, apiKeys: undefined, webhooks: { timeoutMs: 1250, allowPrivateTargets: false, concurrencyPerSubscription: 10 } });
  });
});

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

describe('standalone configuration: problems', () => {
  it('are listed all at once, one line each, naming the variable', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'standalone-config-')), 'a-file');
    writeFileSync(file, '');
    const keys = JSON.stringify([{ key: 'k'.repeat(20), sites: ['*'], scopes: ['SCOPE.DC-CONTACTS.READ-CONTACT'] }]);
    let message = '';
    try {
      readConfig({ PORT: '70000', READ_STORE: 'postgres', API_KEYS: keys, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes', UNSUBSCRIBE_LINK_TTL_DAYS: '0', DATA_DIR: join(file, 'data') });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('Configuration error:');
    expect(lines.slice(1)).toEqual([
      '  - PORT must be a port number, got "70000"',
      '  - READ_STORE must be memory or sqlite, got "postgres"',
      expect.stringMatching(/^ {2}- API_KEYS\[0\]\.scopes: "SCOPE\.DC-CONTACTS\.READ-CONTACT" is not a scope \(known: \*, SCOPE\.DC-CONTACTS\.READ-CONTACTS, /),
      '  - UNSUBSCRIBE_LINK_TTL_DAYS must be a whole number of days from 1 to 3650, got "0"',
      '  - WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false, got "yes"',
      // Checks across variables come after the variables' own.
      expect.stringMatching(/^ {2}- DATA_DIR must be a directory this process can create and write to: ENOTDIR/),
    ]);
  });
});
