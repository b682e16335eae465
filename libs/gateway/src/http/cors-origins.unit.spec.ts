import { ConfigError, defineEnv, readEnv } from '@cp/config';
import { corsOriginsVariable } from '../gateway-variables';
import { parseCorsOrigins } from './cors-origins';

describe('CORS_ORIGINS', () => {
  it('is off when unset or blank', () => {
    for (const raw of [undefined, '', '  ', ' , ']) expect(parseCorsOrigins(raw)).toBeUndefined();
  });

  it('reads origins separated by commas, as browsers send them in the Origin header', () => {
    expect(parseCorsOrigins('https://app.example.com, http://localhost:5173')).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(parseCorsOrigins('http://127.0.0.1:8080,http://[::1]:8080')).toEqual(['http://127.0.0.1:8080', 'http://[::1]:8080']);
  });

  it('writes each the way a browser does: lower-case host, no default port, no trailing slash; once each', () => {
    expect(parseCorsOrigins('https://App.Example.com:443/,https://app.example.com,http://x.example.com:80')).toEqual(['https://app.example.com', 'http://x.example.com']);
  });

  it('takes * alone for any origin', () => {
    expect(parseCorsOrigins('*')).toBe('*');
    expect(parseCorsOrigins(' * ')).toBe('*');
    expect(() => parseCorsOrigins('*,https://app.example.com')).toThrow(/stands alone/);
  });

  it.each([
    ['app.example.com', 'is not a URL'],
    ['null', 'is not a URL'],
    ['ftp://files.example.com', 'is not http(s)'],
    ['https://app.example.com/app', 'has more than an origin (write https://app.example.com)'],
    ['https://app.example.com?x=1', 'has more than an origin'],
    ['https://user@app.example.com', 'has more than an origin'],
    ['https://*.example.com', 'has a wildcard in its host'],
  ])('refuses %s (%s)', (raw, problem) => {
    expect(() => parseCorsOrigins(`https://ok.example.com,${raw}`)).toThrow(`"${raw}" ${problem}`);
  });

  it('is a variable whose problems name it, every bad entry at once', () => {
    const env = defineEnv({ app: 'test', about: 'test', variables: { CORS_ORIGINS: corsOriginsVariable }, settings: (values) => values });
    expect(readEnv(env, { CORS_ORIGINS: 'https://a.example.com' })).toEqual({ CORS_ORIGINS: ['https://a.example.com'] });
    expect(readEnv(env, {})).toEqual({ CORS_ORIGINS: undefined });
    let error: unknown;
    try {
      readEnv(env, { CORS_ORIGINS: 'a.example.com,https://b.example.com/path' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^ {2}- CORS_ORIGINS must be origins separated by commas/m);
    expect(message).toContain('"a.example.com" is not a URL; "https://b.example.com/path" has more than an origin');
  });
});
