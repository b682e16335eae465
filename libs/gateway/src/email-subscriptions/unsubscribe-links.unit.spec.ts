import { randomBytes } from 'node:crypto';
import { listUnsubscribeHeaders } from './unsubscribe.controller';
import { defineEnv, readEnv } from '@cp/config';
import { DEFAULT_UNSUBSCRIBE_LINK_TTL_SECONDS, UNSUBSCRIBE_PATH, UnsubscribeLinks, unsubscribeLinkSettings, unsubscribeLinkVariables } from './unsubscribe-links';

const linkEnv = defineEnv({ app: 'links', about: 'the UNSUBSCRIBE_LINK_* variables alone', variables: unsubscribeLinkVariables, settings: unsubscribeLinkSettings });
const parseUnsubscribeLinkConfig = (env: { secret?: string; baseUrl?: string; ttlDays?: string }) =>
  readEnv(linkEnv, { UNSUBSCRIBE_LINK_SECRET: env.secret, UNSUBSCRIBE_LINK_BASE_URL: env.baseUrl, UNSUBSCRIBE_LINK_TTL_DAYS: env.ttlDays });

const secret = new Uint8Array(randomBytes(32));
const target = { siteId: 'site-a', email: 'ann@example.com' };
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

/** Flips one base64url character of a token part (0 header, 1 payload, 2 signature) to another. */
function tamper(token: string, part: number): string {
  const parts = token.split('.');
  const middle = Math.floor(parts[part].length / 2);
  const char = parts[part][middle];
  parts[part] = parts[part].slice(0, middle) + (char === 'A' ? 'B' : 'A') + parts[part].slice(middle + 1);
  return parts.join('.');
}

describe('UnsubscribeLinks', () => {
  const links = new UnsubscribeLinks({ secret, ttlSeconds: 3600 });

  it('links to the unsubscribe path of the request base URL, and its token names the site and address', async () => {
    const link = await links.link(target, 'http://127.0.0.1:3000/');
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:3000/${UNSUBSCRIBE_PATH}\\?token=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(await links.verify(tokenOf(link))).toEqual(target);
  });

  it('uses the configured public URL over the request base URL', async () => {
    const behindProxy = new UnsubscribeLinks({ secret, ttlSeconds: 3600, publicUrl: 'https://contacts.example.com/' });
    expect(await behindProxy.link(target, 'http://10.0.0.5:3000')).toMatch(new RegExp(`^https://contacts\\.example\\.com/${UNSUBSCRIBE_PATH}\\?token=`));
  });

  it('refuses a token with a changed header, payload or signature as INVALID', async () => {
    const token = tokenOf(await links.link(target, 'http://localhost'));
    for (const part of [0, 1, 2]) expect(await links.verify(tamper(token, part))).toBe('INVALID');
  });

  it('refuses a payload swapped in from another address, signature kept, as INVALID', async () => {
    const [header, , signature] = tokenOf(await links.link(target, 'http://localhost')).split('.');
    const [, otherPayload] = tokenOf(await links.link({ ...target, email: 'bob@example.com' }, 'http://localhost')).split('.');
    expect(await links.verify(`${header}.${otherPayload}.${signature}`)).toBe('INVALID');
  });

  it('refuses an expired token as EXPIRED', async () => {
    const expired = new UnsubscribeLinks({ secret, ttlSeconds: -60 });
    expect(await links.verify(tokenOf(await expired.link(target, 'http://localhost')))).toBe('EXPIRED');
  });

  it('refuses a token signed with another secret as INVALID, even once expired', async () => {
    const other = new Uint8Array(randomBytes(32));
    expect(await links.verify(tokenOf(await new UnsubscribeLinks({ secret: other, ttlSeconds: 3600 }).link(target, 'http://localhost')))).toBe('INVALID');
    expect(await links.verify(tokenOf(await new UnsubscribeLinks({ secret: other, ttlSeconds: -60 }).link(target, 'http://localhost')))).toBe('INVALID');
  });

  it('goes into the List-Unsubscribe headers as RFC 2369 and RFC 8058 have them, and comes back out whole', async () => {
    const link = await links.link(target, 'https://contacts.example.com');
    const headers = listUnsubscribeHeaders(link);
    expect(headers).toEqual({ 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    const [, fromHeader] = /^<([^>]+)>$/.exec(headers['List-Unsubscribe'])!;
    expect(await links.verify(tokenOf(fromHeader))).toEqual(target);
  });

  it('refuses what is no token at all as INVALID', async () => {
    for (const token of [undefined, '', 'not-a-jwt', ['a', 'b'], 42, 'x'.repeat(3000)]) expect(await links.verify(token)).toBe('INVALID');
  });
});

describe('the UNSUBSCRIBE_LINK_* variables', () => {
  it('has no secret and the default TTL when nothing is set', () => {
    expect(parseUnsubscribeLinkConfig({})).toEqual({ ttlSeconds: DEFAULT_UNSUBSCRIBE_LINK_TTL_SECONDS });
    expect(DEFAULT_UNSUBSCRIBE_LINK_TTL_SECONDS).toBe(90 * 24 * 3600);
  });

  it('reads a secret of 32 bytes in base64 or hex, a base URL and a TTL in days', () => {
    const bytes = randomBytes(32);
    const config = parseUnsubscribeLinkConfig({ secret: bytes.toString('base64'), baseUrl: 'https://contacts.example.com', ttlDays: '7' });
    expect(Buffer.from(config.secret!)).toEqual(bytes);
    expect(config).toMatchObject({ publicUrl: 'https://contacts.example.com/', ttlSeconds: 7 * 24 * 3600 });
    expect(Buffer.from(parseUnsubscribeLinkConfig({ secret: bytes.toString('hex') }).secret!)).toEqual(bytes);
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => parseUnsubscribeLinkConfig({ secret: randomBytes(31).toString('base64') })).toThrow("Configuration error:\n  - UNSUBSCRIBE_LINK_SECRET must be at least 32 random bytes, base64 or hex (e.g. `openssl rand -base64 32`)");
    expect(() => parseUnsubscribeLinkConfig({ secret: 'c2hvcnQ=' })).toThrow(/UNSUBSCRIBE_LINK_SECRET must be at least 32 random bytes/);
  });

  it('refuses a base URL that is not http(s)', () => {
    for (const baseUrl of ['contacts.example.com', 'ftp://contacts.example.com', 'javascript:alert(1)']) {
      expect(() => parseUnsubscribeLinkConfig({ baseUrl })).toThrow(/UNSUBSCRIBE_LINK_BASE_URL must be an http\(s\) URL/);
    }
  });

  it('refuses a TTL that is not a whole number of days from 1 to 3650', () => {
    for (const ttlDays of ['0', '-1', '1.5', 'ten', '3651']) {
      expect(() => parseUnsubscribeLinkConfig({ ttlDays })).toThrow(/UNSUBSCRIBE_LINK_TTL_DAYS must be a whole number of days from 1 to 3650/);
    }
    expect(parseUnsubscribeLinkConfig({ ttlDays: '3650' }).ttlSeconds).toBe(3650 * 24 * 3600);
  });
});
