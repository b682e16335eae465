import { TokenRefusal } from './unsubscribe-links';

/**
 * The pages a recipient sees after following an unsubscribe link: plain HTML with inline CSS,
 * no script and nothing loaded from anywhere, so they work in any browser, with a screen
 * reader, and under the strict policy below. Site-neutral: they name no site or sender.
 *
 * The address is shown: only the holder of the token gets the page, and the token was mailed
 * to that address, so it tells them nothing they do not have; someone with several addresses
 * sees which one they are unsubscribing.
 */
export const UNSUBSCRIBE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  // The token is in the URL: no Referer may carry it elsewhere, no cache may keep it.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export interface UnsubscribePage {
  status: number;
  html: string;
}

/** GET: asks first, because mail scanners follow links; the button POSTs back to the same link. */
export function confirmPage(email: string, token: string): UnsubscribePage {
  return {
    status: 200,
    html: page(
      'Unsubscribe',
      `<h1>Unsubscribe</h1>
<p>Stop marketing email to <strong>${escapeHtml(email)}</strong>?</p>
${unsubscribeForm(token, 'Unsubscribe')}`,
    ),
  };
}

export function donePage(email: string): UnsubscribePage {
  return {
    status: 200,
    html: page(
      'You are unsubscribed',
      `<h1>You are unsubscribed</h1>
<p><strong>${escapeHtml(email)}</strong> will no longer get marketing email from this sender.</p>
<p>You can close this page.</p>`,
    ),
  };
}

/** A tampered or cut-off link is a 400; one past its time a 410 (it worked once, and never will again). */
export function refusedPage(reason: TokenRefusal): UnsubscribePage {
  return reason === 'EXPIRED'
    ? {
        status: 410,
        html: page(
          'Unsubscribe link expired',
          `<h1>This unsubscribe link has expired</h1>
<p>Nothing was changed. Use the unsubscribe link in a more recent email from this sender.</p>`,
        ),
      }
    : {
        status: 400,
        html: page(
          'Unsubscribe link not valid',
          `<h1>This unsubscribe link is not valid</h1>
<p>Nothing was changed. The link may have been cut off or altered: open it again from the email, or copy all of it.</p>`,
        ),
      };
}

/** The unsubscribe could not be recorded now; the same button tries again. */
export function unavailablePage(token: string): UnsubscribePage {
  return {
    status: 503,
    html: page(
      'Unsubscribe failed, please try again',
      `<h1>We could not unsubscribe you just now</h1>
<p>Nothing was changed. Please try again in a few minutes.</p>
${unsubscribeForm(token, 'Try again')}`,
    ),
  };
}

/** A relative action (`?token=`): the form posts to the path the page was served from, behind any proxy or prefix. */
function unsubscribeForm(token: string, label: string): string {
  return `<form method="post" action="?token=${escapeHtml(encodeURIComponent(token))}">
<button type="submit">${escapeHtml(label)}</button>
</form>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0; padding: 2rem 1rem; }
main { max-width: 32rem; margin: 0 auto; }
h1 { font-size: 1.5rem; }
strong { overflow-wrap: anywhere; }
button { font: inherit; font-weight: 600; padding: 0.6rem 1.4rem; border: 0; border-radius: 0.4rem; background: #1a56db; color: #fff; cursor: pointer; }
button:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
`;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}
