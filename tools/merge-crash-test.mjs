#!/usr/bin/env node
// Merge is all or nothing, even when the process is killed in the middle: runs the built
// standalone app as a child process, fires many concurrent merges, SIGKILLs it while they run,
// starts it again on the same data and checks that every merge either happened completely (the
// target merged, every source answering `responseType: MERGED` with it) or not at all (target
// unchanged, sources intact). Several rounds, each killed at another moment.
//
//   node tools/merge-crash-test.mjs [--no-build] [--rounds N] [--merges N]
//
// Builds first (npm run build) unless --no-build. Exits non-zero on any half-done merge.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROUNDS = option('--rounds', 8);
const MERGES = option('--merges', 60);
const SOURCES = 3;
const KEY = 'merge-crash-test-key-0123456789';
const main = join(root, 'dist/apps/standalone/src/main.js');

const started = Date.now();
if (!args.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const dataDir = mkdtempSync(join(tmpdir(), 'merge-crash-'));
const logFile = join(dataDir, 'server.log');
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let server;

try {
  server = await startServer();
  let finishedByRestart = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const site = `crash-${round}-${Math.random().toString(36).slice(2, 8)}`;
    const plans = await seed(site, round);
    const answered = new Set();
    const inFlight = plans.map((plan, i) =>
      call(site, 'POST', `/contacts/v4/contacts/${plan.target.id}/merge`, { targetContactRevision: 1, sourceContactIds: plan.sources.map((s) => s.id) })
        .then((response) => response.status === 200 && answered.add(i))
        .catch(() => undefined), // the connection dies with the server
    );
    // Kill it once the merges are under way, at a random moment: some are done, some have not
    // started, and some are wherever the process happens to be.
    await until(() => answered.size >= 1 || exited(server), 30_000);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
    if (exited(server)) throw new Error('the server exited by itself');
    const gone = new Promise((resolve) => server.once('exit', resolve));
    const killedAt = new Date().toISOString();
    server.kill('SIGKILL');
    await gone;
    await Promise.all(inFlight);
    server = await startServer();
    const outcome = await verify(site, plans, answered, killedAt);
    finishedByRestart += outcome.finishedByRestart;
    console.log(`round ${round}: killed after ${answered.size} answers; ${outcome.complete} merged, ${outcome.absent} not merged, ${outcome.finishedByRestart} of them finished by the restart`);
  }
  console.log(`merge crash test passed: ${ROUNDS} rounds of ${MERGES} merges, ${finishedByRestart} finished by a restart, ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`merge crash test FAILED: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`--- server log (${logFile}) ---\n${readFileSync(logFile, 'utf8').slice(-5000)}`);
  process.exitCode = 1;
} finally {
  server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * One target and SOURCES sources per merge, each with an email of its own; every fifth merge
 * shares a source with the one before, so that two merges race for it (at most one may have it).
 */
async function seed(site, round) {
  const contact = async (name) => {
    const response = await call(site, 'POST', '/contacts/v4/contacts', { info: { name: { first: name }, emails: { items: [{ email: `${name}@r${round}.crash.test` }] } } });
    if (response.status !== 200) throw new Error(`seeding ${name}: ${response.status} ${JSON.stringify(response.body)}`);
    return { id: response.body.contact.id, email: `${name}@r${round}.crash.test` };
  };
  const plans = await Promise.all(
    Array.from({ length: MERGES }, async (_, i) => ({
      target: await contact(`t${i}`),
      sources: await Promise.all(Array.from({ length: SOURCES }, (_, j) => contact(`s${i}-${j}`))),
    })),
  );
  for (let i = 4; i < MERGES; i += 5) plans[i].sources[0] = plans[i - 1].sources[0];
  return plans;
}

async function verify(site, plans, answered, killedAt) {
  const get = async (id) => (await call(site, 'GET', `/contacts/v4/contacts/${id}`)).body;
  let complete = 0;
  let absent = 0;
  let finishedByRestart = 0;
  const mergedSources = new Map();
  for (const [i, plan] of plans.entries()) {
    const target = (await get(plan.target.id)).contact;
    const sources = await Promise.all(plan.sources.map((s) => get(s.id)));
    const emails = target.info.emails.items.map((e) => e.email);
    const merged = sources.map((s) => s.responseType === 'MERGED' && s.contact.id === plan.target.id);
    const intact = sources.map((s, j) => s.responseType === 'REGULAR' && s.contact.id === plan.sources[j].id && s.contact.revision === 1);
    const describe = () => JSON.stringify({ merge: i, answered: answered.has(i), target: { revision: target.revision, emails }, sources: sources.map((s) => ({ responseType: s.responseType, id: s.contact?.id })) });
    if (target.revision === 2 && merged.every(Boolean) && plan.sources.every((s) => emails.includes(s.email))) {
      complete++;
      for (const source of plan.sources) {
        if (mergedSources.has(source.id)) throw new Error(`source ${source.id} merged twice: ${describe()}`);
        mergedSources.set(source.id, plan.target.id);
      }
      const histories = await Promise.all(plan.sources.map(async (s) => (await call(site, 'GET', `/contacts/v4/contacts/${s.id}/history`)).body.events));
      if (histories.some((events) => events.some((event) => event.actor?.id === 'merge-completer' && event.occurredAt > killedAt))) finishedByRestart++;
    } else if (target.revision === 1 && emails.length === 1 && !answered.has(i) && intact.every((ok, j) => ok || mergedSources.has(plan.sources[j].id) || sharedWithLater(plans, i, j))) {
      absent++;
    } else {
      throw new Error(`half a merge: ${describe()}`);
    }
  }
  // A source two merges raced for belongs to the one that has it, and the other left it alone.
  for (const [i, plan] of plans.entries()) {
    for (const source of plan.sources) {
      const owner = mergedSources.get(source.id);
      const view = await get(source.id);
      if (owner ? view.contact.id !== owner : view.responseType !== 'REGULAR') throw new Error(`source ${source.id} of merge ${i} answers ${JSON.stringify(view)}`);
    }
  }
  return { complete, absent, finishedByRestart };
}

/** The shared source of a merge that did not happen may have gone to the merge it raced with. */
function sharedWithLater(plans, i, j) {
  return j === 0 && plans[i + 1]?.sources[0].id === plans[i].sources[0].id;
}

async function startServer() {
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: {
      ...process.env,
      API_KEYS: JSON.stringify([{ key: KEY, sites: ['*'], scopes: ['*'] }]),
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      RATE_LIMITS: 'off',
    },
    stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
  });
  await until(async () => {
    if (exited(child)) throw new Error(`the server exited (${child.exitCode ?? child.signalCode})`);
    return fetch(`${base}/health`).then((r) => r.ok, () => false);
  }, 120_000);
  return child;
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

async function call(site, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: KEY, 'wix-site-id': site, ...(body && { 'content-type': 'application/json' }) },
    body: body && JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function until(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: found } = probe.address();
      probe.close(() => resolve(found));
    });
    probe.on('error', reject);
  });
}
