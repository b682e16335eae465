import { confirmPage, donePage, refusedPage, UNSUBSCRIBE_PAGE_HEADERS, unavailablePage } from './unsubscribe-page';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzaXRlIjoic2l0ZS1hIn0.c2lnbmF0dXJl';
const HOSTILE_EMAIL = `"><script>alert('x')</script>@example.com`;

const pages = {
  confirm: confirmPage('ann@example.com', TOKEN),
  done: donePage('ann@example.com'),
  expired: refusedPage('EXPIRED'),
  invalid: refusedPage('INVALID'),
  unavailable: unavailablePage(TOKEN),
};

describe('unsubscribe pages', () => {
  it('answer 200 to ask and when done, 410 for an expired link, 400 for an invalid one, 503 when it failed', () => {
    expect(Object.fromEntries(Object.entries(pages).map(([name, page]) => [name, page.status]))).toEqual({ confirm: 200, done: 200, expired: 410, invalid: 400, unavailable: 503 });
  });

  it.each(Object.entries(pages))('%s: a whole English document with a title and a main landmark, and no script', (_name, { html }) => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html).toMatch(/<main>[\s\S]*<h1>[^<]+<\/h1>[\s\S]*<\/main>/);
    expect(html).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
  });

  it.each(Object.entries(pages))('%s: loads nothing from anywhere (no URL, no src or href)', (_name, { html }) => {
    expect(html).not.toMatch(/https?:|\/\/[a-z]|\ssrc=|\shref=|@import|url\(/i);
  });

  it('asks with one submit button, in a form that posts back to the link with its token', () => {
    const { html } = pages.confirm;
    expect(html).toContain('<strong>ann@example.com</strong>');
    expect(html.match(/<form /g)).toHaveLength(1);
    expect(html).toContain(`<form method="post" action="?token=${TOKEN}">\n<button type="submit">Unsubscribe</button>\n</form>`);
    expect(pages.unavailable.html).toContain(`<form method="post" action="?token=${TOKEN}">\n<button type="submit">Try again</button>`);
  });

  it('offers no button once done or refused', () => {
    for (const page of [pages.done, pages.expired, pages.invalid]) expect(page.html).not.toMatch(/<form|<button/);
    expect(pages.expired.html).toContain('expired');
    expect(pages.invalid.html).toContain('not valid');
  });

  it('escapes the address and the token wherever they go', () => {
    for (const { html } of [confirmPage(HOSTILE_EMAIL, TOKEN), donePage(HOSTILE_EMAIL)]) {
      expect(html).not.toContain('<script');
      expect(html).toContain('<strong>&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;@example.com</strong>');
    }
    const { html } = confirmPage('ann@example.com', `${TOKEN}"><script>&x=1`);
    expect(html).not.toContain('<script');
    expect(html).toContain(`action="?token=${TOKEN}%22%3E%3Cscript%3E%26x%3D1"`);
  });

  it('are sent with a strict content security policy, not sniffed, not cached and with no referrer', () => {
    expect(UNSUBSCRIBE_PAGE_HEADERS).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
  });
});
