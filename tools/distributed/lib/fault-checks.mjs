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
