/** Any origin may call the API from a browser (CORS_ORIGINS=*). */
export const ANY_ORIGIN = '*';

/** The origins whose pages may call the API from a browser: `*`, or a list of exact origins. */
export type CorsOrigins = typeof ANY_ORIGIN | string[];

export const CORS_ORIGINS_FORM = 'origins separated by commas, each a scheme, host and optional port such as https://app.example.com or http://localhost:5173 (no path), or * for any origin';

/**
 * Reads CORS_ORIGINS. Unset or blank: undefined (no CORS headers at all: browsers keep pages of
 * other origins from reading the API's answers). Each entry is brought to the form browsers send
 * in the Origin header (`https://App.example.com:443/` is `https://app.example.com`); an entry
 * with a path, a query or a wildcard host is refused rather than left never to match.
 */
export function parseCorsOrigins(raw: string | undefined): CorsOrigins | undefined {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  if (entries.includes(ANY_ORIGIN)) {
    if (entries.length > 1) throw new Error(`must be ${CORS_ORIGINS_FORM}: * allows every origin, so it stands alone, got ${JSON.stringify(raw)}`);
    return ANY_ORIGIN;
  }
  const origins: string[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const origin = originOf(entry);
    if (origin.problem === undefined) origins.push(origin.origin);
    else problems.push(`${JSON.stringify(entry)} ${origin.problem}`);
  }
  if (problems.length > 0) throw new Error(`must be ${CORS_ORIGINS_FORM}: ${problems.join('; ')}`);
  return [...new Set(origins)];
}

/**
 * The origin an entry names, as browsers send it in the Origin header (lower-case host, no
 * default port, no trailing slash), or why it names none.
 */
function originOf(entry: string): { origin: string; problem?: undefined } | { problem: string } {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return { problem: 'is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'is not http(s)' };
  if (url.hostname.includes('*')) return { problem: 'has a wildcard in its host: list each origin, or give * alone' };
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || /[?#]$/.test(entry)) {
    return { problem: `has more than an origin (write ${url.origin})` };
  }
  return { origin: url.origin };
}
