// The harness the examples' run.mjs scripts share: build the repository, run the built standalone
// app on a free port and a throwaway DATA_DIR, wait for things to happen, report checks, and
// clean up. Only harness code lives here: each example's integration (sync.mjs, sync-app.mjs)
// stays self-contained, since that is the file a reader copies into their own app.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const main = join(root, 'dist/apps/standalone/src/main.js');

/**
 * Builds (npm run build) unless `args` has --no-build; builds anyway when dist/ has no standalone
 * app, so a fresh checkout still runs. Exits the process with the build's status if it fails.
 */
export function buildUnlessAsked(args) {
  const noBuild = args.includes('--no-build');
  if (noBuild && existsSync(main)) return;
  if (noBuild) console.log(`${main} is missing: building first`);
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** An API key named `name` with a fresh random secret, so no two runs share a key. */
export function randomApiKey(name) {
  return { name, key: `${name}-${randomBytes(16).toString('hex')}` };
}

/**
 * A platform to run: its temporary DATA_DIR (with the server's log in it) exists from here on,
 * so that a run that fails while starting can still show the log and remove the directory.
 *
 *   start({ apiKeys, env }) -> baseUrl   spawns the built app on a free loopback port, waits for /health
 *   stop({ showLog })                     SIGTERM (SIGKILL after 5 s), then removes DATA_DIR;
 *                                         with showLog, prints the log's tail to stderr first
 *   kill()                                SIGKILL and remove DATA_DIR at once, for signal handlers
 *   logTail(chars)                        the end of the server's log ('' when there is none)
 */
export function createPlatform({ label }) {
  const dataDir = mkdtempSync(join(tmpdir(), `${label}-`));
  const logFile = join(dataDir, 'server.log');
  let server;

  async function start({ apiKeys, env = {} }) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [main], {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        API_KEYS: JSON.stringify(apiKeys),
        // The examples' receivers listen on loopback, which the platform refuses by default.
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        NO_COLOR: '1',
        // Retries in seconds rather than Wix's minutes to hours: a slow first attempt is not a slow example.
        WEBHOOK_RETRY_SCHEDULE: '1s,2s,5s,10s',
        ...env,
      },
      stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
    });
    await waitForHealth(baseUrl);
    return baseUrl;
  }

  async function waitForHealth(baseUrl) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      // A platform that died (bad config, port taken) will never answer: say so rather than wait 60 s.
      if (server.exitCode !== null) throw new Error(`the platform exited with code ${server.exitCode}`);
      const healthy = await fetch(`${baseUrl}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return;
      await sleep(200);
    }
    throw new Error('the platform did not become healthy within 60 s');
  }

  function logTail(chars = 4000) {
    return existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-chars) : '';
  }

  async function stop({ showLog = false } = {}) {
    // The log lives in DATA_DIR, so it is read before the directory goes.
    if (showLog && existsSync(logFile)) console.error(`--- server log (last 4000 characters) ---\n${logTail(4000)}`);
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      // A graceful stop flushes the data; one that hangs must not hang the example.
      const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }

  function kill() {
    server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }

  return { dataDir, logFile, start, stop, kill, logTail };
}

/** Polls `probe` until it answers something truthy (which it returns), for at most 15 s. */
export async function until(probe, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/** A port free on loopback right now (the OS picks it; there is a small race, fine for an example). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A loopback webhook receiver at `path` that hands every request body to a Wix SDK client's
 * webhooks.process: 200 when it verifies and the handlers ran, 401 otherwise. The run scripts use
 * it for their control subscriptions; the integrations keep their own receivers, in plain view.
 */
export async function listenForWebhooks(client, path) {
  const http = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () =>
      client.webhooks.process(Buffer.concat(chunks).toString('utf8')).then(
        () => response.writeHead(200).end(),
        () => response.writeHead(401).end(),
      ),
    );
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}${path}`,
    close: () => new Promise((resolve) => (http.close(resolve), http.closeAllConnections())),
  };
}

/** Prints a scenario step: what someone did, and what followed. */
export function step(action, outcome) {
  console.log(`  ${action}\n       -> ${outcome}`);
}

/**
 * A `check(description, ok, detail)` that prints ok/FAIL and records the outcome in `checks`
 * (the run script decides from it whether it passed); `detail` is printed only on failure.
 */
export function checker(checks) {
  return (description, ok, detail) => {
    checks.push(Boolean(ok));
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${description}`);
    if (!ok && detail !== undefined) console.log(`       ${JSON.stringify(detail, null, 2).split('\n').join('\n       ')}`);
  };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
