import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Browser, chromium, Page } from 'playwright-core';
import { describeStandaloneOnly, Harness, KEYS, startHarness } from './harness';

/**
 * What browsers are told (libs/gateway/src/http/browser-security.ts): helmet's security headers on
 * every answer, a Content-Security-Policy that plain http and the Swagger UI live with, and CORS
 * only for the origins of CORS_ORIGINS. Checked over HTTP as a browser's requests look, then in a
 * real browser (Debian's Chromium, driven by playwright-core): a page of another origin calling
 * the API, allowed and refused, and /docs rendering under the policy.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ALLOWED = 'https://app.example.com';
const AUTH = { authorization: KEYS.siteA, 'wix-site-id': 'site-a' };

/**
 * fetch, with the body read: a response left unread (a large script) keeps its connection busy,
 * and the app's close would wait for it.
 */
async function request(url: string | URL, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return response;
}

/** A browser's preflight for a call with the API key and a JSON body. */
function preflight(app: Harness, path: string, origin: string, method = 'POST') {
  return request(`${app.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type,wix-site-id' },
  });
}

const corsHeadersOf = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('browser security', () => {
  describe('security headers (CORS_ORIGINS unset)', () => {
    let app: Harness;
    beforeAll(async () => {
      app = await startHarness();
    });
    afterAll(() => app.stop());

    it("answers the API with helmet's headers, errors and unknown routes too", async () => {
      const responses = [
        await request(`${app.url}/contacts/v4/contacts?paging.limit=1`, { headers: AUTH }),
        await request(`${app.url}/contacts/v4/contacts`),
        await request(`${app.url}/no/such/route`),
      ];
      expect(responses.map((response) => response.status)).toEqual([200, 401, 404]);
      for (const response of responses) {
        expect(Object.fromEntries(response.headers)).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'referrer-policy': 'no-referrer',
          'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-resource-policy': 'same-origin',
          'x-dns-prefetch-control': 'off',
          'x-permitted-cross-domain-policies': 'none',
        });
        const policy = response.headers.get('content-security-policy') ?? '';
        expect(policy).toContain("default-src 'self'");
        expect(policy).toContain("frame-ancestors 'self'");
        expect(policy).toContain("object-src 'none'");
        // A server reached over plain http must not send its pages to an https it may not have.
        expect(policy).not.toContain('upgrade-insecure-requests');
        expect(response.headers.get('x-powered-by')).toBeNull();
      }
    });

    it('serves /docs as same-origin scripts, which the policy allows', async () => {
      const docs = await fetch(`${app.url}/docs`);
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await docs.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((match) => /\bsrc=["']([^"']+)["']/.exec(match[1])?.[1]);
      expect(scripts.length).toBeGreaterThan(0);
      // No inline script (which script-src 'self' refuses): each is a file of the API's own origin.
      for (const src of scripts) {
        expect(src).toBeDefined();
        expect(new URL(src!, docs.url).origin).toBe(new URL(app.url).origin);
        expect((await request(new URL(src!, docs.url))).status).toBe(200);
      }
    });

    it('sends no CORS headers, and has no preflight route', async () => {
      const call = await request(`${app.url}/contacts/v4/contacts?paging.limit=1`, { headers: { ...AUTH, origin: ALLOWED } });
      expect(call.status).toBe(200);
      expect(corsHeadersOf(call)).toEqual([]);
      const refused = await preflight(app, '/contacts/v4/contacts/query', ALLOWED);
      expect(refused.status).toBe(404);
      expect(corsHeadersOf(refused)).toEqual([]);
    });
  });

  describeStandaloneOnly('CORS_ORIGINS set', () => {
    let app: Harness;
    beforeAll(async () => {
      app = await startHarness({ corsOrigins: [ALLOWED, 'http://localhost:5173'] });
    });
    afterAll(() => app.stop());

    it('answers the preflight of a listed origin before any key is checked, without credentials', async () => {
      for (const [path, method] of [
        ['/contacts/v4/contacts/query', 'POST'],
        ['/contacts/v4/contacts/0b8ba4b0-0d0f-4a5e-9d5c-1f0b7a3d2c11', 'PATCH'],
        ['/_api/contacts/v4/contacts/0b8ba4b0-0d0f-4a5e-9d5c-1f0b7a3d2c11', 'DELETE'],
      ]) {
        const response = await preflight(app, path, ALLOWED, method);
        expect(response.status).toBe(204);
        expect(Object.fromEntries(response.headers)).toMatchObject({
          'access-control-allow-origin': ALLOWED,
          'access-control-allow-headers': 'authorization,content-type,wix-site-id',
          'access-control-max-age': '600',
          vary: expect.stringMatching(/origin/i),
        });
        expect(response.headers.get('access-control-allow-methods')?.split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']));
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      }
    });

    it("lets the listed origin read the answer and its request id", async () => {
      const call = await request(`${app.url}/contacts/v4/contacts/query`, {
        method: 'POST',
        headers: { ...AUTH, origin: 'http://localhost:5173', 'content-type': 'application/json' },
        body: '{"query":{"paging":{"limit":1}}}',
      });
      expect(call.status).toBe(200);
      expect(call.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(call.headers.get('access-control-expose-headers')?.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['x-request-id', 'retry-after', 'ratelimit-remaining']));
      expect(call.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('gives an origin not listed no Access-Control-Allow-Origin, so its browser refuses', async () => {
      const refused = await preflight(app, '/contacts/v4/contacts/query', 'https://evil.example.com');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const call = await request(`${app.url}/contacts/v4/contacts?paging.limit=1`, { headers: { ...AUTH, origin: 'https://evil.example.com' } });
      expect(call.status).toBe(200);
      expect(call.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('takes * for any origin', async () => {
      const any = await startHarness({ corsOrigins: '*' });
      try {
        const response = await preflight(any, '/contacts/v4/contacts/query', 'https://anywhere.example.com');
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      } finally {
        await any.stop();
      }
    });
  });

  describe('in a browser', () => {
    let browser: Browser;
    /** Serves an empty page; reached as http://localhost:PORT and as http://127.0.0.1:PORT, two origins. */
    let pages: Server;
    let pagesPort: number;
    let app: Harness;

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash tools/infra/chromium.sh\` to install Debian's Chromium for the browser tests`);
      pages = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>another origin</title>'));
      await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
      pagesPort = (pages.address() as AddressInfo).port;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    });
    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => pages?.close(resolve));
    });

    /** A page of `origin` calls the API with the key and a JSON body: what its script gets to see. */
    async function callFrom(origin: string, apiUrl: string): Promise<{ status?: number; requestId?: string | null; total?: number; error?: string }> {
      const page = await browser.newPage();
      try {
        await page.goto(`${origin}/`);
        return await page.evaluate(
          async ({ url, key }) => {
            try {
              const response = await fetch(`${url}/contacts/v4/contacts/query`, {
                method: 'POST',
                headers: { authorization: key, 'wix-site-id': 'site-a', 'content-type': 'application/json' },
                body: JSON.stringify({ query: { paging: { limit: 1 } } }),
              });
              const body = (await response.json()) as { pagingMetadata?: { total?: number } };
              return { status: response.status, requestId: response.headers.get('x-request-id'), total: body.pagingMetadata?.total };
            } catch (error) {
              return { error: String(error) };
            }
          },
          { url: apiUrl, key: KEYS.siteA },
        );
      } finally {
        await page.close();
      }
    }

    describeStandaloneOnly('CORS', () => {
      beforeAll(async () => {
        app = await startHarness({ corsOrigins: [`http://localhost:${pagesPort}`] });
      });
      afterAll(() => app.stop());

      it('lets a page of a listed origin call the API and read the answer, and refuses a page of another', async () => {
        const allowed = await callFrom(`http://localhost:${pagesPort}`, app.url);
        expect(allowed).toMatchObject({ status: 200, requestId: expect.stringMatching(/./), total: expect.any(Number) });
        const refused = await callFrom(`http://127.0.0.1:${pagesPort}`, app.url);
        expect(refused).toEqual({ error: expect.stringContaining('Failed to fetch') });
      });
    });

    describe('/docs', () => {
      let docsApp: Harness;
      beforeAll(async () => {
        docsApp = await startHarness();
      });
      afterAll(() => docsApp.stop());

      it('renders the Swagger UI under the Content-Security-Policy, with nothing refused', async () => {
        const page: Page = await browser.newPage();
        const violations: string[] = [];
        const errors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        page.on('pageerror', (error) => errors.push(error.message));
        // Chromium logs a refusal as a console error too; the event also names what was refused.
        await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (event) => console.error('CSP refused ' + event.violatedDirective + ': ' + event.blockedURI));" });
        try {
          const opened = await page.goto(`${docsApp.url}/docs`);
          expect(opened?.status()).toBe(200);
          await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 });
          expect(await page.locator('.swagger-ui .info .title').textContent()).toContain('Contacts platform API');
          // The operations are listed, and one opens.
          await page.locator('.opblock-summary-path', { hasText: '/contacts/v4/contacts/query' }).first().waitFor();
          violations.push(...errors.filter((text) => text.includes('Content Security Policy') || text.startsWith('CSP refused')));
          expect(violations).toEqual([]);
          expect(errors).toEqual([]);
        } finally {
          await page.close();
        }
      });
    });
  });
});
