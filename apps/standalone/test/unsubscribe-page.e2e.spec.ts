import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium } from 'playwright-core';
import { UnsubscribeLinks } from '@cp/gateway';
import { describeStandaloneOnly, Harness, KEYS, startHarness, uniqueSite } from './harness';

/**
 * The unsubscribe link as a recipient meets it: opened in a real browser (Debian's Chromium,
 * driven by playwright-core), where only the button's POST unsubscribes; and as RFC 8058 mail
 * clients use it, a plain POST. Everything is checked through the API, over HTTP only, so the
 * suite also runs against the distributed gateway.
 */
const CHROMIUM = '/usr/bin/chromium';
// No background networking: this machine's closed network refuses Chromium's own connections.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SUBSCRIPTIONS = '/email-marketing/v1/email-subscriptions';
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

describe('unsubscribe link', () => {
  let app: Harness;
  let count = 0;
  /** An address no other run or test has used. */
  const newAddress = () => `${uniqueSite('unsubscribe')}-${++count}@example.com`;

  beforeAll(async () => {
    app = await startHarness();
  });
  afterAll(() => app.stop());

  async function subscribe(email: string): Promise<void> {
    const response = await app.call('POST', SUBSCRIPTIONS, { key: KEYS.siteA, body: { subscription: { email, subscriptionStatus: 'SUBSCRIBED' } } });
    expect(response.status).toBe(200);
  }

  async function statusOf(email: string): Promise<string> {
    const response = await app.call('POST', `${SUBSCRIPTIONS}/query`, { key: KEYS.siteA, body: { filter: { email: { $in: [email] } } } });
    expect(response.status).toBe(200);
    expect(response.body.subscriptions).toHaveLength(1);
    return response.body.subscriptions[0].subscriptionStatus;
  }

  /** A subscribed address and its link, as a sender would generate it. */
  async function subscribedWithLink(): Promise<{ email: string; link: string }> {
    const email = newAddress();
    await subscribe(email);
    const response = await app.call('POST', `${SUBSCRIPTIONS}/unsubscribe-link`, { key: KEYS.siteA, body: { emailAddress: email } });
    expect(response.status).toBe(200);
    return { email, link: response.body.link };
  }

  async function fetchPage(url: string, init: RequestInit = {}) {
    const response = await fetch(url, init);
    return { status: response.status, headers: Object.fromEntries(response.headers), html: await response.text() };
  }

  const oneClick = (link: string) =>
    fetchPage(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });

  describe('in a browser', () => {
    let browser: Browser;
    let context: BrowserContext;

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash tools/infra/chromium.sh\` to install Debian's Chromium for the browser tests`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      context = await browser.newContext();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('asks first, changing nothing, and the Unsubscribe button unsubscribes', async () => {
      const { email, link } = await subscribedWithLink();
      const page = await context.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));

      const opened = await page.goto(link);
      expect(opened?.status()).toBe(200);
      expect(await page.title()).toBe('Unsubscribe');
      // What a screen reader has of the page: a heading, the question with the address, one button.
      expect(await page.getByRole('main').ariaSnapshot()).toBe(
        ['- main:', '  - heading "Unsubscribe" [level=1]', '  - paragraph:', '    - text: Stop marketing email to', `    - strong: ${email}`, '    - text: "?"', '  - button "Unsubscribe"'].join('\n'),
      );
      // Mail scanners open links too: the page alone must not unsubscribe.
      expect(await statusOf(email)).toBe('SUBSCRIBED');

      const [posted] = await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST'),
        page.getByRole('button', { name: 'Unsubscribe' }).click(),
      ]);
      expect(posted.status()).toBe(200);
      expect(posted.url()).toBe(link);
      await page.waitForLoadState();
      expect(await page.title()).toBe('You are unsubscribed');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are unsubscribed');
      expect(await page.getByRole('main').textContent()).toContain(email);
      expect(await statusOf(email)).toBe('UNSUBSCRIBED');

      // Nothing but the link itself, on the gateway (the browser may ask it for a favicon).
      const origin = new URL(link).origin;
      expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
      await page.close();
    });
  });

  it('answers the page with a strict security policy, uncached', async () => {
    const { link } = await subscribedWithLink();
    const page = await fetchPage(link);
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject(PAGE_HEADERS);
    expect(page.html).toContain('<button type="submit">Unsubscribe</button>');
  });

  it('unsubscribes with an RFC 8058 one-click POST, and again without harm', async () => {
    const { email, link } = await subscribedWithLink();
    const first = await oneClick(link);
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject(PAGE_HEADERS);
    expect(first.html).toContain('<h1>You are unsubscribed</h1>');
    expect(await statusOf(email)).toBe('UNSUBSCRIBED');
    expect((await oneClick(link)).status).toBe(200);
    expect(await statusOf(email)).toBe('UNSUBSCRIBED');
  });

  it('unsubscribes with a multipart or empty POST, with or without the /_api prefix', async () => {
    const multipart = await subscribedWithLink();
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    expect((await fetchPage(multipart.link, { method: 'POST', body: form })).status).toBe(200);
    expect(await statusOf(multipart.email)).toBe('UNSUBSCRIBED');

    const empty = await subscribedWithLink();
    const prefixed = new URL(empty.link);
    prefixed.pathname = `/_api${prefixed.pathname}`;
    expect((await fetchPage(prefixed.href, { method: 'POST' })).status).toBe(200);
    expect(await statusOf(empty.email)).toBe('UNSUBSCRIBED');
  });

  it('takes the token from a form field too', async () => {
    const { email, link } = await subscribedWithLink();
    const url = new URL(link);
    const token = url.searchParams.get('token')!;
    url.search = '';
    const done = await fetchPage(url.href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
    expect(done.status).toBe(200);
    expect(await statusOf(email)).toBe('UNSUBSCRIBED');
  });

  it('refuses a tampered or missing token with a 400 page, and changes nothing', async () => {
    const { email, link } = await subscribedWithLink();
    const url = new URL(link);
    const [header, payload, signature] = url.searchParams.get('token')!.split('.');
    const flipped = (part: string) => part.slice(0, 10) + (part[10] === 'A' ? 'B' : 'A') + part.slice(11);
    for (const token of [`${header}.${flipped(payload)}.${signature}`, `${header}.${payload}.${flipped(signature)}`, '']) {
      url.searchParams.set('token', token);
      for (const refused of [await fetchPage(url.href), await oneClick(url.href)]) {
        expect(refused.status).toBe(400);
        expect(refused.headers).toMatchObject(PAGE_HEADERS);
        expect(refused.html).toContain('<h1>This unsubscribe link is not valid</h1>');
        expect(refused.html).not.toContain('<button');
      }
    }
    expect(await statusOf(email)).toBe('SUBSCRIBED');
  });

  describeStandaloneOnly('an expired link', () => {
    it('is refused with a 410 page, and changes nothing', async () => {
      const email = newAddress();
      await subscribe(email);
      // Signed as the app signs, with the secret it generated, but already past its time.
      const secret = new Uint8Array(Buffer.from(readFileSync(join(app.dataDir, 'unsubscribe-link-secret'), 'utf8').trim(), 'base64'));
      const link = await new UnsubscribeLinks({ secret, ttlSeconds: -60 }).link({ siteId: 'site-a', email }, app.url);
      for (const refused of [await fetchPage(link), await oneClick(link)]) {
        expect(refused.status).toBe(410);
        expect(refused.headers).toMatchObject(PAGE_HEADERS);
        expect(refused.html).toContain('<h1>This unsubscribe link has expired</h1>');
      }
      expect(await statusOf(email)).toBe('SUBSCRIBED');
    });
  });

  it('leaves every other route JSON-only: form bodies there are a 415', async () => {
    const auth = { authorization: KEYS.siteA, 'wix-site-id': 'site-a' };
    const email = newAddress();
    const urlencoded = await fetch(`${app.url}${SUBSCRIPTIONS}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email }).toString() });
    const form = new FormData();
    form.set('email', email);
    const multipart = await fetch(`${app.url}${SUBSCRIPTIONS}`, { method: 'POST', headers: auth, body: form });
    for (const response of [urlencoded, multipart]) {
      expect(response.status).toBe(415);
      expect(((await response.json()) as { details: { applicationError: { code: string } } }).details.applicationError.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const none = await app.call('POST', `${SUBSCRIPTIONS}/query`, { key: KEYS.siteA, body: { filter: { email: { $in: [email] } } } });
    expect(none.body.subscriptions).toEqual([]);
  });
});
