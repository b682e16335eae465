// What the fault scripts share: named checks that report and go on, waiting for a condition,
// and the exit code of the whole run.
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; after `timeoutMs` fails naming `what` and, if given, what was last seen. */
export async function until(check, timeoutMs, what, lastSeen = () => '', intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastSeen() ? `; last: ${lastSeen()}` : ''}`);
    await sleep(intervalMs);
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const results = [];

/** Runs one named check; a failure is reported and the next check still runs. */
export async function test(name, body) {
  try {
    await body();
    results.push([name, true]);
    console.log(`  ✓ ${name}`);
  } catch (error) {
    results.push([name, false]);
    console.log(`  ✕ ${name}\n      ${error.stack ?? error}`);
  }
}

/** Prints the tally and exits: 0 when every check passed. */
export function finish(label) {
  const passed = results.filter(([, ok]) => ok).length;
  console.log(`${label}: ${passed} passed, ${results.length - passed} failed`);
  process.exit(passed === results.length ? 0 : 1);
}

/**
 * A client of the API for one site with one key: `call(baseUrl, method, path, body, timeoutMs)`
 * resolves { status, body, ms } for any answer, and { status: 0, error, ms } when none came.
 */
export function siteClient(key, site) {
  return async function call(baseUrl, method, path, body, timeoutMs = 20_000, headers = {}) {
    const started = Date.now();
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...headers, authorization: key, 'wix-site-id': site, ...(body && { 'content-type': 'application/json' }) },
        body: body && JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, ms: Date.now() - started };
    } catch (error) {
      return { status: 0, error: String(error), ms: Date.now() - started };
    }
  };
}
