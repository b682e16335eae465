#!/usr/bin/env node
// `npm run bench [-- --quick]`: builds, starts the standalone app in its own process on a fresh
// data directory, seeds a realistic site through the public API, drives load at it from a
// separate load-generator process (autocannon), measures read-your-writes lag and a rebuild of
// the contacts read model from zero, compares with a bare Fastify hello-world measured in the
// same run, prints a table and writes bench/results/latest.json. With --distributed, the same run
// against the distributed stack (Kafka, a MongoDB-wire server, five apps: lib/distributed.mjs), written to
// bench/results/latest-distributed.json. See docs/performance.md.
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ApiClient, pool } from './lib/client.mjs';
import { contactInfo, crudSeedId, EXTENDED_FIELDS, LABEL_NAMES } from './lib/data.mjs';
import { APPS, DATA_KEY_ENCRYPTION_KEY, replicaRole, startDistributed, waitUntilDrained } from './lib/distributed.mjs';
import { EVENT_LOOP_PRELOAD, EventLoopMonitor } from './lib/event-loop.mjs';
import { ISOLATION_PHASES, runIsolationPhases } from './lib/isolation.mjs';
import { runSubscriptionsPhase } from './lib/subscriptions-phase.mjs';
import { runImportPhase } from './lib/import-phase.mjs';
import { runExportPhase } from './lib/export-phase.mjs';
import { waitUntilIdle } from './lib/idle.mjs';
import { freePort, run, startNode, stopApps, stopProcess, waitForHttp200 } from './lib/processes.mjs';
import { RssSampler } from './lib/rss.mjs';
import { startStandalone } from './lib/standalone.mjs';
import { percentile, round2 } from './lib/stats.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { runWebhooksPhase, SETTLE_S } from './lib/webhooks-phase.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

const USAGE = `usage: npm run bench -- [options]
  --quick                 10k contacts, 5 s per phase (under 3 minutes on 2 cores)
  --size <n>              contacts to seed (default 100000, quick 10000)
  --duration <s>          seconds per load phase (default 10, quick 5)
  --warmup <s>            warm-up seconds before each phase (default 2, quick 1)
  --connections <n>       autocannon connections (default 10)
  --seed-concurrency <n>  creates in flight while seeding (default 16)
  --lag-samples <n>       lag samples (default 200)
  --phases <list>         phases to run, comma-separated (default hello,nest_hello,crud,get,query,query_prefix,query_search,cursor_walk,create,create_shared,webhooks,label,subscriptions,import,export,abusive,bulk;
                          webhooks, abusive and bulk run in standalone only)
  --webhook-rate <n>      the webhooks phase sends its creates evenly at n/s (open loop) instead of the
                          create phase's closed-loop load
  --profile               run the server with --cpu-prof (profiles in bench/results/profiles/)
  --node-flags "<flags>"  Node flags for the standalone app, e.g. "--optimize-for-size" (default none,
                          as npm start runs it)
  --require <file>        preload a module into the server and the replay process (repeatable)
  --no-replay             skip the read-model rebuild
  --read-store <kind>     standalone: READ_STORE for the app, memory (its default) or sqlite; the replay rebuilds into the same kind
  --skip-build            use dist/ as it is
  --keep-data             keep the data directory (its path is printed)
  --out <file>            results file (default bench/results/latest.json; latest-distributed.json with --distributed)
  --strict                exit 1 when a target is missed
  --distributed           the distributed stack instead: Kafka + the MongoDB-wire server of tools/infra (KAFKA_BROKERS and MONGODB_URL
                          if both are set, else started with tools/infra/up.sh and stopped at the end)
                          and the five apps, each its own process; --profile and --require apply to each app
  --event-store <kind>    distributed: where the apps keep their events, postgres (default: tools/infra/postgres.sh, or
                          POSTGRES_URL; a fresh database per run) or sqlite (a file per service under the data directory)
  --replicas <n>          distributed: n processes of every app (default 1; more than 1 needs --event-store postgres); the
                          load is spread over the gateway replicas`;

const ALL_PHASES = ['hello', 'nest_hello', 'crud', 'get', 'query', 'query_prefix', 'query_search', 'cursor_walk', 'create', 'create_shared', 'webhooks', 'label', 'subscriptions', 'import', 'export', ...ISOLATION_PHASES];

function parseArgs(argv) {
  const options = {
    quick: false,
    size: undefined,
    duration: undefined,
    warmup: undefined,
    connections: 10,
    seedConcurrency: 16,
    lagSamples: 200,
    webhookRate: 0,
    phases: ALL_PHASES,
    profile: false,
    preload: [],
    nodeFlags: undefined,
    replay: true,
    build: true,
    keepData: false,
    out: undefined,
    strict: false,
    distributed: false,
    eventStore: 'postgres',
    replicas: 1,
  };
  const number = (name, value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} needs a number, got "${value}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    switch (arg) {
      case '--quick': options.quick = true; break;
      case '--size': options.size = number(arg, value()); break;
      case '--duration': options.duration = number(arg, value()); break;
      case '--warmup': options.warmup = number(arg, value()); break;
      case '--connections': options.connections = number(arg, value()); break;
      case '--seed-concurrency': options.seedConcurrency = number(arg, value()); break;
      case '--lag-samples': options.lagSamples = number(arg, value()); break;
      case '--webhook-rate': options.webhookRate = number(arg, value()); break;
      case '--phases': options.phases = value().split(',').map((p) => p.trim()).filter(Boolean); break;
      case '--profile': options.profile = true; break;
      case '--node-flags': options.nodeFlags = value().split(/\s+/).filter(Boolean); break;
      case '--require': options.preload.push(resolve(value())); break;
      case '--no-replay': options.replay = false; break;
      case '--read-store': options.readStore = value(); break;
      case '--skip-build': options.build = false; break;
      case '--keep-data': options.keepData = true; break;
      case '--out': options.out = resolve(value()); break;
      case '--strict': options.strict = true; break;
      case '--distributed': options.distributed = true; break;
      case '--event-store': options.eventStore = value(); break;
      case '--replicas': options.replicas = number(arg, value()); break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  const unknown = options.phases.filter((p) => !ALL_PHASES.includes(p));
  if (unknown.length) throw new Error(`unknown phase(s) ${unknown.join(', ')}; known: ${ALL_PHASES.join(', ')}`);
  if (!['postgres', 'sqlite'].includes(options.eventStore)) throw new Error(`--event-store is postgres or sqlite, not ${options.eventStore}`);
  if (!Number.isInteger(options.replicas) || options.replicas < 1) throw new Error('--replicas needs a whole number of at least 1');
  if (options.replicas > 1 && (!options.distributed || options.eventStore !== 'postgres')) throw new Error('--replicas above 1 needs --distributed with --event-store postgres (replicas share one event store)');
  options.out ??= join(root, `bench/results/latest${options.distributed ? '-distributed' : ''}.json`);
  options.size ??= options.quick ? 10_000 : 100_000;
  options.duration ??= options.quick ? 5 : 10;
  options.warmup ??= options.quick ? 1 : 2;
  return options;
}

const log = (...args) => console.log(...args);
const seconds = (ms) => Math.round(ms / 10) / 100;

/** Everything this run started, so that any exit stops it. */
const started = new Set();
/** Forked helpers (load generator, replay), stopped on an early exit too. */
const forked = new Set();
let cleanupDataDir;
/** Reads the app's event-loop delay (standalone), through the preload tools/bench/event-loop-monitor.cjs. */
let eventLoop;
/** Stops the infrastructure if this run started it (distributed mode). */
let stopInfrastructure;

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const system = options.distributed ? 'distributed' : 'standalone';
  const mode = `${options.quick ? 'quick' : 'full'}${options.distributed ? '-distributed' : ''}`;
  const machine = machineInfo();
  const resultsDir = join(root, 'bench/results'); // logs and profiles; the results file goes to --out
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(dirname(options.out), { recursive: true });
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const t0 = performance.now();
  const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  log(`contacts-platform bench · ${system} · mode ${mode} · ${options.size.toLocaleString('en')} contacts · ${options.duration} s per phase · ${options.connections} connections`);
  log(`machine: ${machine.cpus} × ${machine.cpu_model}, ${machine.total_mem_mb} MB RAM, Node ${machine.node}, ${machine.platform} ${machine.os_release}`);

  if (options.build) {
    log('\n== build (npm run build)');
    const t = performance.now();
    await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, quiet: true });
    log(`built in ${seconds(performance.now() - t)} s`);
  }

  const rss = new RssSampler(200);
  rss.track('bench', process.pid);
  rss.start();
  const phases = {};
  const loadJob = { connections: options.connections, duration: options.duration, warmup: options.warmup };

  // ---- the yardsticks, each alone on the machine, same autocannon settings as get: a bare Fastify
  // hello-world (the target's reference), and an empty NestJS route (the framework's own cost)
  const yardsticks = [
    ['hello', 'hello-server.mjs', 'baseline: bare Fastify hello-world (separate process)'],
    ['nest_hello', 'nest-hello-server.mjs', 'second yardstick: empty NestJS route on Fastify (separate process)'],
  ];
  for (const [phase, script, title] of yardsticks) {
    if (!options.phases.includes(phase)) continue;
    log(`\n== ${title}`);
    rss.setPhase(phase);
    const port = await freePort();
    const server = startNode([join(here, script)], { env: { PORT: String(port) }, logFile: join(resultsDir, `${phase}.log`), cwd: root });
    started.add(server);
    rss.track(phase, server.pid);
    await waitForHttp200(`http://127.0.0.1:${port}/`, server, 30_000);
    phases[phase] = await loadPhase(phase, { ...loadJob, url: `http://127.0.0.1:${port}`, headers: apiHeaders() }, rss);
    rss.untrack(phase);
    await stopProcess(server);
    started.delete(server);
  }

  // ---- the CRUD yardstick: Nest + class-validator + better-sqlite3, seeded like the product, the
  // create and get phases' requests with the same bodies (issue 13)
  if (options.phases.includes('crud')) {
    log(`\n== CRUD yardstick: NestJS + class-validator + better-sqlite3, one table of JSON documents, unique lower-cased email (separate process, ${options.size.toLocaleString('en')} contacts seeded)`);
    rss.setPhase('crud');
    const port = await freePort();
    const crudDir = mkdtempSync(join(os.tmpdir(), 'contacts-bench-crud-'));
    const server = startNode([join(here, 'crud-yardstick-server.mjs')], {
      env: { PORT: String(port), SEED: String(options.size), DATA_FILE: join(crudDir, 'crud.sqlite') },
      logFile: join(resultsDir, 'crud.log'),
      cwd: root,
    });
    started.add(server);
    rss.track('crud', server.pid);
    await waitForHttp200(`http://127.0.0.1:${port}/contacts/v4/contacts/${crudSeedId(0)}`, server, 120_000);
    const crudIds = Array.from({ length: options.size }, (_, i) => crudSeedId(i));
    const crudTarget = { ...loadJob, url: `http://127.0.0.1:${port}`, headers: apiHeaders(), ids: crudIds, labelKeys: ['custom.a', 'custom.b'], fieldKeys: {} };
    phases.crud_get = await loadPhase('crud_get', { ...crudTarget, request: 'get' }, rss);
    phases.crud_create = await loadPhase('crud_create', { ...crudTarget, request: 'create', createBase: 500_000 }, rss);
    rss.untrack('crud');
    await stopProcess(server);
    started.delete(server);
    rmSync(crudDir, { recursive: true, force: true });
  }

  // ---- the system under test
  log(options.distributed ? '\n== distributed stack: infrastructure, then five apps (one process each, fresh DATA_DIR)' : '\n== standalone app (separate process, fresh DATA_DIR)');
  const dataDir = mkdtempSync(join(os.tmpdir(), 'contacts-bench-'));
  if (!options.keepData) cleanupDataDir = dataDir;
  const logFile = (role) => join(resultsDir, options.distributed ? `distributed-${role}.log` : `${role}.log`);
  const profileDir = join(resultsDir, 'profiles');
  if (options.profile) mkdirSync(profileDir, { recursive: true });
  const nodeArgs = [...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...options.preload.flatMap((file) => ['--require', file])];
  // Standalone: the event-loop monitor is preloaded always; it costs nothing until a phase asks.
  if (!options.distributed) eventLoop = new EventLoopMonitor();
  let serverStartedAt; // when the (first) app process was spawned: its CPU profile's time zero
  const onStart = (role, proc) => {
    serverStartedAt ??= performance.now();
    started.add(proc);
    rss.track(role, proc.pid, { group: 'apps' });
  };
  const nodeFlags = options.distributed ? [] : (options.nodeFlags ?? []);
  if (nodeFlags.length > 0) log(`node flags: ${nodeFlags.join(' ')}`);
  const common = { root, dataDir, apiKeys: [BENCH_KEY], logFile, nodeArgs, nodeFlags, onStart };
  const roles = options.distributed ? APPS.flatMap((a) => Array.from({ length: options.replicas }, (_, i) => replicaRole(a.role, i + 1))) : ['server'];
  for (const role of roles) rmSync(logFile(role), { force: true });
  const bootStart = performance.now();
  const sut = options.distributed
    ? await startDistributed({ ...common, log, replicas: options.replicas, eventStore: options.eventStore, onInfraStarting: (stop) => (stopInfrastructure = stop) })
    : await startStandalone({ ...common, nodeArgs: [...nodeArgs, '--require', EVENT_LOOP_PRELOAD], env: { ...eventLoop.env(), ...readStoreEnv(options) } });
  eventLoop?.watch(sut.apps.map((a) => a.proc.pid));
  const { baseUrl } = sut;
  // Every gateway replica takes a share of the load, as behind a load balancer.
  const baseUrls = sut.baseUrls ?? [baseUrl];
  // Kafka and the MongoDB-wire server: measured, reported apart, not counted in rss_mb (they are not the bench's processes).
  for (const [role, pid] of Object.entries(sut.infra?.pids() ?? {})) {
    if (pid) rss.track(role, pid, { group: 'infra', outside: true });
    else log(`RSS of ${role} not measured: no live pid in its pid file (INFRA_RUN, default .infra/)`);
  }
  /** Phase windows in seconds since the app processes started (to cut their CPU profiles by phase). */
  const timeline = [];
  const timed = async (phase, work) => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      timeline.push({ phase, from_s: seconds(start - serverStartedAt), to_s: seconds(performance.now() - serverStartedAt) });
    }
  };
  const where = sut.apps.map((a) => `${a.role} pid ${a.proc.pid}`).join(', ');
  const ready = options.distributed ? 'infrastructure and apps ready' : 'healthy';
  log(`${ready} in ${seconds(performance.now() - bootStart)} s on ${baseUrl} (${where}; data ${dataDir}; logs ${relative(root, logFile(options.distributed ? '*' : 'server'))})`);

  // ---- seeding, through the public API
  rss.setPhase('seed');
  const client = new ApiClient(baseUrl, { ...apiHeaders(), 'content-type': 'application/json' }, options.seedConcurrency + 4);
  const seedClient = baseUrls.length > 1 ? roundRobin(baseUrls.map((url) => new ApiClient(url, { ...apiHeaders(), 'content-type': 'application/json' }, options.seedConcurrency + 4))) : client;
  const seeding = await timed('seed', () => seed(seedClient, options));
  const { ids, labelKeys, fieldKeys, createdDates } = seeding;
  // The relay and the feed may still be storing the public events of a phase's writes: the phase
  // after it measures the app, not that catch-up (the webhooks phase waits the same way).
  const settle = async (after) => {
    if (sut.infra) return null;
    rss.setPhase(`${after}_settle`);
    const quiet = await waitUntilIdle(sut.apps[0].proc.pid);
    log(`app idle ${quiet.seconds} s after ${after}${quiet.idle ? '' : ' (not idle yet: going on)'}`);
    return quiet.seconds;
  };
  const seedSettle = await settle('seeding');

  // ---- load phases, from a separate load-generator process
  let querySerial = null;
  let webhooks = null;
  const target = { ...loadJob, url: baseUrl, urls: baseUrls, headers: apiHeaders(), ids, labelKeys, fieldKeys };
  let cursorWalk = null;
  for (const phase of ['get', 'query', 'query_prefix', 'query_search', 'cursor_walk', 'create', 'create_shared', 'webhooks', 'label']) {
    if (!options.phases.includes(phase)) continue;
    if (phase === 'cursor_walk') {
      rss.setPhase(phase);
      cursorWalk = await timed(phase, () => measureCursorWalk(client));
      continue;
    }
    if (phase === 'create_shared') {
      // a fixed count, not a duration: whether the rate holds as the contacts sharing one phone and one email grow
      rss.setPhase(phase);
      phases[phase] = await timed(phase, () => loadPhase(phase, { ...target, createBase: 900_000, amount: sharedCreates(options) }, rss));
      const shared = phases[phase];
      log(`create_shared: first second ${shared.first_second_rps}/s, last full second ${shared.last_full_second_rps}/s, slowest ${shared.slowest_second_rps}/s over ${shared.per_second.length} s`);
      if (sut.infra) phases[phase].drain_s = await timed(`${phase}_drain`, () => waitUntilDrained(baseUrl, log));
      continue;
    }
    if (phase === 'webhooks') {
      // the create phase's load again, with a subscription delivering every contact_created to a receiver on loopback
      if (sut.infra) {
        log('\n== webhooks: standalone only, not run against the distributed stack');
        continue;
      }
      rss.setPhase('webhooks');
      log(`\n== webhooks: one subscription (contact_created, contact_updated) to a receiver on loopback (its own process), ${options.webhookRate ? `with creates paced at ${options.webhookRate}/s (open loop)` : "during the create phase's load"}; backlog at the end and ${SETTLE_S} s later`);
      webhooks = await timed('webhooks', () =>
        runWebhooksPhase({ baseUrl, headers: apiHeaders(), appPid: sut.apps[0].proc.pid, eventLoop, benchDir: here, forked, rss, timed, log, runLoad: () => loadPhase('webhooks', { ...target, createBase: 800_000, createTag: 'w', paceRate: options.webhookRate }, rss) }),
      );
      phases.webhooks = webhooks.load;
      continue;
    }
    rss.setPhase(phase);
    phases[phase] = await timed(phase, () => loadPhase(phase, { ...target, createBase: 500_000 }, rss));
    // Distributed: requests cut off at the end of the window are still queued in Kafka; let the services
    // work them off before the next measurement (the wait is recorded as the phase's drain_s).
    if (sut.infra) {
      rss.setPhase(`${phase}_drain`);
      phases[phase].drain_s = await timed(`${phase}_drain`, () => waitUntilDrained(baseUrl, log));
    }
    if (phase === 'query') {
      // the same query one at a time, at the seeded size: its latency without queueing behind others
      rss.setPhase('query_serial');
      querySerial = await timed('query_serial', () => measureSerialQuery(client, labelKeys, options.lagSamples));
    }
  }

  if (options.phases.includes('label')) await settle('the label phase');

  // ---- email statuses imported through Bulk Upsert, one per seeded contact (issue 12)
  let subscriptions = null;
  if (options.phases.includes('subscriptions')) {
    rss.setPhase('subscriptions');
    subscriptions = await timed('subscriptions', () => runSubscriptionsPhase({ client, ids, labelKeys, fieldKeys, log }));
    subscriptions.settle_s = await settle('the email subscriptions');
  }

  // ---- a CSV import as large as the seeded site (issue 18)
  let importRun = null;
  if (options.phases.includes('import')) {
    rss.setPhase('import');
    const bystanderOptions = { benchDir: here, forked, rss, labelKeys, idleSeconds: options.duration };
    importRun = await timed('import', () => runImportPhase({ baseUrl, headers: apiHeaders(), rows: options.size, seeded: ids.filter(Boolean).length, log, bystanderOptions }));
    importRun.settle_s = await settle('the import');
  }

  // ---- every contact exported as CSV (issue 18)
  let exportRun = null;
  if (options.phases.includes('export')) {
    rss.setPhase('export');
    exportRun = await timed('export', () => runExportPhase({ baseUrl, headers: apiHeaders(), log }));
  }

  // ---- read-your-writes lag: create, then query by its email until it shows
  rss.setPhase('lag');
  const lag = await timed('lag', () => measureLag(client, options.lagSamples, runId));

  // ---- abusive requests and a bulk job, with the app's event-loop delay and a bystander's query latency
  let isolation = { abusive: null, bulk_job: null };
  const isolationPhases = options.phases.filter((p) => ISOLATION_PHASES.includes(p));
  if (isolationPhases.length > 0 && sut.infra) log(`\n== ${isolationPhases.join(' and ')}: standalone only, not run against the distributed stack`);
  else if (isolationPhases.length > 0) {
    isolation = await runIsolationPhases({
      phases: isolationPhases,
      baseUrl,
      headers: apiHeaders,
      throwawaySite: BENCH_KEY.sites[1],
      labelKeys,
      createdDates,
      eventLoop,
      benchDir: here,
      forked,
      rss,
      timed,
      log,
      idleSeconds: options.duration,
    });
  }

  const finalCount = await client.ok('POST', '/contacts/v4/contacts/query', { query: { paging: { limit: 1 }, fieldsets: ['BASIC'] } });
  const contactsAtEnd = finalCount.pagingMetadata.total;
  client.close();

  log(`\n== stopping the app${sut.apps.length > 1 ? 's' : ''}`);
  rss.setPhase('stop');
  for (const app of sut.apps) rss.untrack(app.role);
  const exits = await stopApps(sut.apps);
  for (const app of sut.apps) started.delete(app.proc);
  log(`stopped (exit ${Object.entries(exits).map(([role, code]) => (sut.apps.length > 1 ? `${role} ${code}` : code)).join(', ')})`);
  if (options.profile) for (const app of sut.apps) writeFileSync(join(profileDir, `phases-${app.proc.pid}.json`), JSON.stringify(timeline, null, 2) + '\n');

  // ---- a restart on the data the run wrote: healthy means every projection has caught up (issue 14)
  let restart;
  if (!options.distributed) {
    log('\n== restart: the standalone app again on the same DATA_DIR, until /health answers 200');
    rss.setPhase('restart');
    const restartAt = performance.now();
    const again = await startStandalone({ ...common, env: readStoreEnv(options), onStart: (role, proc) => { started.add(proc); rss.track('restart', proc.pid, { group: 'apps' }); } });
    restart = { healthy_s: Math.round((performance.now() - restartAt) / 10) / 100, contacts: contactsAtEnd };
    log(`healthy again in ${restart.healthy_s} s with ${contactsAtEnd.toLocaleString('en')} contacts`);
    rss.untrack('restart');
    await stopApps(again.apps);
    for (const app of again.apps) started.delete(app.proc);
  }

  // ---- rebuild of the contacts read model from zero, in its own process (distributed: into a fresh MongoDB database)
  let replay;
  if (options.replay) {
    rss.setPhase('replay');
    replay = await rebuild(dataDir, rss, options.preload, sut.infra?.mongoUrl, options.readStore === 'sqlite', sut.info?.event_store_url);
  }
  if (sut.infra) {
    for (const role of Object.keys(sut.infra.pids())) rss.untrack(role);
    await stopInfrastructure?.();
    stopInfrastructure = undefined;
  }
  rss.stop();

  const pick = (phase, key) => (phases[phase] ? phases[phase][key] : null);
  // No p99 for a phase in which no request completed (autocannon reports 0 then).
  const p99 = (phase) => (phases[phase]?.requests_total > 0 ? phases[phase].latency_ms.p99 : null);
  const results = {
    mode,
    timestamp: new Date().toISOString(),
    seeded_contacts: seeding.contacts,
    contacts_at_end: contactsAtEnd,
    create_rps: pick('create', 'rps'),
    create_p99_ms: p99('create'),
    // issue 13: the CRUD yardstick's create and get, and the product's as a share of them
    crud_create_rps: pick('crud_create', 'rps'),
    crud_get_rps: pick('crud_get', 'rps'),
    create_vs_crud: ratioOf(pick('create', 'rps'), pick('crud_create', 'rps')),
    get_vs_crud: ratioOf(pick('get', 'rps'), pick('crud_get', 'rps')),
    // issue 13: creates that all share one phone and one email (allowDuplicates), per second from the first
    shared_create_rps: pick('create_shared', 'rps'),
    shared_create_first_second_rps: pick('create_shared', 'first_second_rps'),
    shared_create_last_full_second_rps: pick('create_shared', 'last_full_second_rps'),
    shared_create_slowest_second_rps: pick('create_shared', 'slowest_second_rps'),
    get_rps: pick('get', 'rps'),
    get_p99_ms: p99('get'),
    query_rps: pick('query', 'rps'),
    query_p99_ms: p99('query'),
    query_serial_p99_ms: querySerial?.p99_ms ?? null,
    query_prefix_rps: pick('query_prefix', 'rps'),
    query_prefix_p99_ms: p99('query_prefix'),
    query_search_rps: pick('query_search', 'rps'),
    query_search_p99_ms: p99('query_search'),
    cursor_walk_contacts_per_s: cursorWalk?.contacts_per_s ?? null,
    cursor_page_p99_ms: cursorWalk?.page_ms?.p99 ?? null,
    label_rps: pick('label', 'rps'),
    subscriptions_upsert_per_s: subscriptions?.per_s ?? null,
    import_rows_per_s: importRun?.rows_per_s ?? null,
    import_query_p99_ratio: importRun?.query_p99_ratio ?? null,
    export_contacts_per_s: exportRun?.contacts_per_s ?? null,
    label_p99_ms: p99('label'),
    lag_p99_ms: lag.p99_ms,
    // issue 11: webhook deliveries during the create phase's load (with one subscription)
    webhook_lag_p50_ms: webhooks?.lag_ms?.p50 ?? null,
    webhook_lag_p95_ms: webhooks?.lag_ms?.p95 ?? null,
    webhook_lag_p99_ms: webhooks?.lag_ms?.p99 ?? null,
    webhook_created: webhooks?.created ?? null,
    webhook_delivered: webhooks?.delivered ?? null,
    webhook_backlog_at_end: webhooks ? webhooks.backlog.at_end.pending : null,
    webhook_undelivered_at_end: webhooks ? webhooks.backlog.at_end.undelivered : null,
    webhook_backlog_later: webhooks ? webhooks.backlog.later.pending : null,
    webhook_undelivered_later: webhooks ? webhooks.backlog.later.undelivered : null,
    webhook_create_rps: pick('webhooks', 'rps'),
    webhook_create_p99_ms: p99('webhooks'),
    replay_events_per_s: replay?.events_per_s ?? null,
    restart_healthy_s: restart?.healthy_s ?? null,
    // issue 10: abusive requests refused quickly, and queries unhurt by a bulk job
    abusive_refused: isolation.abusive?.refused ?? null,
    abusive_shapes: isolation.abusive?.shapes ?? null,
    abusive_max_event_loop_ms: isolation.abusive?.max_event_loop_ms ?? null,
    bulk_query_p99_idle_ms: isolation.bulk_job?.query_idle?.p99_ms ?? null,
    bulk_query_p99_during_job_ms: isolation.bulk_job?.query_during_job?.p99_ms ?? null,
    bulk_query_p99_ratio: isolation.bulk_job?.query_p99_ratio ?? null,
    bulk_job_contacts_per_s: isolation.bulk_job?.contacts_per_s ?? null,
    bulk_job_max_event_loop_ms: isolation.bulk_job?.event_loop_during_job?.max_ms ?? null,
    rss_mb: Math.round(rss.peakTotalMb),
    rss_server_mb: Math.round(rss.groupPeaks.apps ?? 0),
    // distributed: the infrastructure's own peaks, apart from rss_mb (not the bench's processes)
    ...(sut.infra && { rss_kafka_mb: roundOrNull(rss.peaks.kafka), rss_mongodb_mb: roundOrNull(rss.peaks.mongodb) }),
    baseline_hello_rps: pick('hello', 'rps'),
    baseline_hello_p99_ms: p99('hello'),
    nest_hello_rps: pick('nest_hello', 'rps'),
    seed_contacts_per_s: seeding.per_s,
    seed_settle_s: seedSettle,
    machine,
    code: codeInfo(),
    settings: {
      system,
      connections: options.connections,
      duration_s: options.duration,
      warmup_s: options.warmup,
      seed_concurrency: options.seedConcurrency,
      lag_samples: options.lagSamples,
      webhook_pace_rate: options.webhookRate || null,
      load_tool: `autocannon ${autocannonVersion()} in a separate process`,
      seeding: 'through the public API',
      profile: options.profile,
      preload: options.preload.map((file) => relative(root, file)),
      node_flags: nodeFlags,
      event_loop_monitor: eventLoop ? relative(root, EVENT_LOOP_PRELOAD) : null,
    },
    ...(sut.info && { distributed: sut.info }),
    seeding: { ...seeding, ids: undefined, createdDates: undefined, labelKeys: undefined, fieldKeys: undefined, labels: labelKeys.length, extended_fields: Object.values(fieldKeys) },
    phases,
    lag,
    query_serial: querySerial,
    cursor_walk: cursorWalk,
    webhooks: webhooks && { ...webhooks, load: undefined },
    subscriptions,
    import: importRun,
    export: exportRun,
    abusive: isolation.abusive,
    bulk_job: isolation.bulk_job,
    replay: replay ?? null,
    timeline,
    rss: {
      peak_total_mb: Math.round(rss.peakTotalMb),
      peak_total_during: rss.peakTotalAt,
      peak_apps_mb: Math.round(rss.groupPeaks.apps ?? 0),
      ...(sut.infra && { peak_infra_total_mb: Math.round(rss.groupPeaks.infra ?? 0), infra_counted_in_total: false }),
      peak_by_process_mb: roundAll(rss.peaks),
    },
    // CPU cores used on average during each phase by the bench's processes and by anything else on
    // the machine (Linux): other work during a phase makes its numbers low and noisy.
    cpu_by_phase: rss.cpuReport(),
    load_average_at_start: loadAtStart,
    total_seconds: seconds(performance.now() - t0),
  };
  results.targets = evaluateTargets(results);
  results.disturbed_phases = Object.entries(results.cpu_by_phase)
    .filter(([, cpu]) => cpu.other_cores > 0.1)
    .map(([phase, cpu]) => `${phase} (${cpu.other_cores} cores)`);

  writeFileSync(options.out, JSON.stringify(results, null, 2) + '\n');
  printReport(results);
  if (results.disturbed_phases.length > 0) {
    log(`\nWARNING: other processes on this machine used CPU during ${results.disturbed_phases.join(', ')};`);
    log('those numbers are lower and noisier than on an idle machine (see cpu_by_phase in the results file).');
  }
  log(`\nwrote ${relative(process.cwd(), options.out) || options.out} (run took ${results.total_seconds} s)`);
  if (options.keepData) log(`data kept in ${dataDir}`);
  if (options.profile) log(`CPU profiles in ${relative(process.cwd(), profileDir)}; summarize with: node tools/bench/profile-summary.mjs <file>.cpuprofile`);
  if (options.strict && results.targets.some((t) => t.status === 'MISS')) process.exitCode = 1;
}

// The second site is the abusive phase's throwaway site (a bulk delete is sent to it).
const BENCH_KEY = { key: 'bench-key-0123456789abcdef', sites: ['bench-site', 'bench-throwaway'], scopes: ['*'], name: 'bench' };
const apiHeaders = (site = BENCH_KEY.sites[0]) => ({ authorization: BENCH_KEY.key, 'wix-site-id': site });

/** Labels and extended fields first, then the contacts, with bounded concurrency. */
async function seed(client, options) {
  log(`\n== seeding ${options.size.toLocaleString('en')} contacts through the public API (${options.seedConcurrency} requests in flight)`);
  const labelKeys = [];
  for (const displayName of LABEL_NAMES) labelKeys.push((await client.ok('POST', '/contacts/v4/labels', { displayName })).label.key);
  const fieldKeys = {};
  for (const field of EXTENDED_FIELDS) {
    fieldKeys[field.role] = (await client.ok('POST', '/contacts/v4/extended-fields', { displayName: field.displayName, dataType: field.dataType })).field.key;
  }
  log(`created ${labelKeys.length} labels and ${Object.keys(fieldKeys).length} extended fields (${Object.values(fieldKeys).join(', ')})`);

  const ids = new Array(options.size);
  const createdDates = new Array(options.size); // the bulk phase picks its 10,000 contacts by date
  const failures = [];
  const t = performance.now();
  let lastReport = t;
  let doneAtLastReport = 0;
  await pool(
    options.size,
    options.seedConcurrency,
    async (i) => {
      const response = await client.request('POST', '/contacts/v4/contacts', { info: contactInfo(i, labelKeys, fieldKeys) });
      if (response.status === 200 || response.status === 201) [ids[i], createdDates[i]] = [response.body.contact.id, response.body.contact.createdDate];
      else if (failures.length < 1000) failures.push({ index: i, status: response.status, body: JSON.stringify(response.body).slice(0, 300) });
    },
    (done) => {
      const now = performance.now();
      if (now - lastReport >= 5_000 || done === options.size) {
        const recent = (done - doneAtLastReport) / ((now - lastReport) / 1000);
        const eta = done < options.size && recent > 0 ? ` (last ${seconds(now - lastReport)} s: ${Math.round(recent)}/s, about ${Math.ceil((options.size - done) / recent / 60)} min to go at that rate)` : '';
        [lastReport, doneAtLastReport] = [now, done];
        log(`  ${done.toLocaleString('en')} / ${options.size.toLocaleString('en')} · ${Math.round(done / ((now - t) / 1000))} contacts/s${eta}`);
      }
    },
  );
  const elapsed = (performance.now() - t) / 1000;
  if (failures.length > 0) {
    log(`  ${failures.length} creates failed; first: ${JSON.stringify(failures[0])}`);
    if (failures.length > options.size * 0.001) throw new Error(`seeding failed for ${failures.length} contacts (first: ${JSON.stringify(failures[0])})`);
  }
  const seededIds = ids.filter(Boolean);
  const perSecond = Math.round(seededIds.length / elapsed);
  log(`seeded ${seededIds.length.toLocaleString('en')} contacts in ${Math.round(elapsed * 10) / 10} s: ${perSecond} contacts/s`);
  return { contacts: seededIds.length, seconds: Math.round(elapsed * 100) / 100, per_s: perSecond, failed: failures.length, concurrency: options.seedConcurrency, ids: seededIds, createdDates: createdDates.filter(Boolean), labelKeys, fieldKeys };
}

/**
 * One autocannon phase in a forked load-generator process; returns its summary. With several
 * gateway replicas (`job.urls`), one load generator per replica, the connections split between
 * them, their summaries added up.
 */
async function loadPhase(phase, job, rss) {
  log(`\n== ${phase}: ${describe(phase)} · ${job.connections} connections · ${job.amount ? `${job.amount.toLocaleString('en')} requests` : `${job.warmup} s warm-up + ${job.duration} s`}${job.urls?.length > 1 ? ` · spread over ${job.urls.length} gateways` : ''}`);
  if (!(job.urls?.length > 1) || job.paceRate > 0 || phase === 'create_shared') return loadOne(phase, job, rss, '');
  const shares = job.urls.map((url, i) => ({ ...job, url, urls: undefined, connections: Math.max(1, Math.round(job.connections / job.urls.length)), createBase: (job.createBase ?? 0) + i * 10_000_000 }));
  const summaries = await Promise.all(shares.map((share, i) => loadOne(phase, share, rss, `#${i + 1}`)));
  const s = mergeSummaries(summaries);
  log(`${phase}: ${s.rps} req/s · p50 ≤ ${s.latency_ms.p50} ms · p99 ≤ ${s.latency_ms.p99} ms (the slowest gateway's) · ${s.ok_2xx} ok, over ${summaries.length} gateways`);
  return s;
}

/** Summaries of load generators that ran side by side: counts and rates added, latencies the worst of them (percentiles do not add). */
function mergeSummaries(summaries) {
  const sum = (key) => summaries.reduce((total, s) => total + (s[key] ?? 0), 0);
  const worst = (key) => Math.max(...summaries.map((s) => s.latency_ms[key] ?? 0));
  const statusCodes = {};
  for (const s of summaries) for (const [code, count] of Object.entries(s.status_codes ?? {})) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    ...summaries[0],
    connections: sum('connections'),
    requests_total: sum('requests_total'),
    ok_2xx: sum('ok_2xx'),
    non_2xx: sum('non_2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    rps: Math.round(sum('rps') * 10) / 10,
    rps_avg_autocannon: sum('rps_avg_autocannon'),
    latency_ms: { mean: worst('mean'), p50: worst('p50'), p90: worst('p90'), p99: worst('p99'), max: worst('max') },
    status_codes: statusCodes,
    per_gateway: summaries.map((s) => ({ rps: s.rps, p99_ms: s.latency_ms.p99 })),
  };
}

function loadOne(phase, job, rss, tag) {
  const role = `loadgen${tag}`;
  return new Promise((resolvePhase, reject) => {
    const child = fork(join(here, 'loadgen.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    forked.add(child);
    child.once('exit', () => forked.delete(child));
    rss.track(role, child.pid);
    let answered = false;
    child.once('message', (message) => {
      answered = true;
      rss.untrack(role);
      if (!message.ok) return reject(new Error(`${phase} load phase failed: ${message.error}`));
      const s = message.summary;
      const extra = s.non_2xx || s.errors || s.timeouts ? ` · non-2xx ${s.non_2xx}, errors ${s.errors}, timeouts ${s.timeouts} ${JSON.stringify(s.status_codes)}` : '';
      if (s.requests_total === 0) log(`${phase}: no request completed within the ${job.warmup + job.duration} s of the phase`);
      log(`${phase}${tag}: ${s.rps} req/s · p50 ${s.latency_ms.p50} ms · p99 ${s.latency_ms.p99} ms · ${s.ok_2xx} ok${extra}`);
      resolvePhase(s);
    });
    child.once('exit', (code) => {
      if (!answered) {
        rss.untrack(role);
        reject(new Error(`the load generator exited with ${code} during ${phase}`));
      }
    });
    child.send({ phase, ...job });
  });
}

/** A client that sends each request to the next of `clients` in turn (seeding over every gateway replica). */
function roundRobin(clients) {
  let next = 0;
  const pick = () => clients[next++ % clients.length];
  return { request: (...args) => pick().request(...args), requestRaw: (...args) => pick().requestRaw(...args), ok: (...args) => pick().ok(...args) };
}

/** a / b to two decimals, or null when either is missing. */
function ratioOf(a, b) {
  return a && b ? Math.round((a / b) * 100) / 100 : null;
}

/** How many creates share one phone and one email: 20,000 (issue 13), 2,000 in a quick run. */
function sharedCreates(options) {
  return options.quick ? 2_000 : 20_000;
}

function describe(phase) {
  return {
    hello: 'GET / on the hello-world',
    nest_hello: 'GET / on the NestJS hello-world',
    get: 'GET /contacts/v4/contacts/{id} over the seeded ids',
    query: 'POST /contacts/v4/contacts/query, info.labelKeys $hasSome [one label], sort createdDate DESC, limit 50',
    query_prefix: 'POST /contacts/v4/contacts/query, info.name.first $startsWith two letters, sort createdDate DESC, limit 50',
    query_search: 'POST /contacts/v4/contacts/query, search "<first name> <first 4 letters of a last name>", newest first, limit 50',
    create: 'POST /contacts/v4/contacts, unique emails, allowDuplicates not set',
    crud_get: 'GET /contacts/v4/contacts/{id} on the CRUD yardstick over its seeded ids',
    crud_create: 'POST /contacts/v4/contacts on the CRUD yardstick, the create phase\'s bodies',
    create_shared: 'POST /contacts/v4/contacts, every contact with the same phone and the same email (allowDuplicates), a fixed count, no warm-up',
    webhooks: 'POST /contacts/v4/contacts as in create, with one webhook subscription delivering to a receiver on loopback',
    label: 'POST /contacts/v4/contacts/{id}/labels, one random label',
  }[phase];
}

/**
 * Append-until-visible: create a contact with a unique email, then query on that email until
 * it is in the answer. Sequential, on an otherwise idle server.
 */
async function measureLag(client, samples, runId) {
  log(`\n== lag: create, then Query Contacts on its email until it shows (${samples} samples, one at a time)`);
  const lags = [];
  const creates = [];
  let extraPolls = 0;
  for (let i = 0; i < samples; i++) {
    const email = `lag.${runId}.${i}@bench.example`;
    const start = performance.now();
    await client.ok('POST', '/contacts/v4/contacts', { info: { name: { first: 'Lag', last: `Sample ${i}` }, emails: { items: [{ email }] } } });
    creates.push(performance.now() - start);
    for (let polls = 0; ; polls++) {
      const page = await client.ok('POST', '/contacts/v4/contacts/query', {
        query: { filter: { 'info.emails.email': { $eq: email } }, paging: { limit: 1 }, fieldsets: ['BASIC'] },
      });
      if (page.contacts.length > 0) break;
      extraPolls++;
      if (polls > 10_000) throw new Error(`contact ${email} never became visible to a query`);
    }
    lags.push(performance.now() - start);
  }
  const result = {
    samples,
    p50_ms: percentile(lags, 50),
    p90_ms: percentile(lags, 90),
    p99_ms: percentile(lags, 99),
    max_ms: round2(Math.max(...lags)),
    create_p50_ms: percentile(creates, 50),
    create_p99_ms: percentile(creates, 99),
    queries_beyond_first: extraPolls,
  };
  log(`lag: p50 ${result.p50_ms} ms · p99 ${result.p99_ms} ms · max ${result.max_ms} ms (create alone p99 ${result.create_p99_ms} ms; ${extraPolls} queries needed a retry)`);
  return result;
}

/** The query phase's query, one request at a time: its latency without queueing behind others. */
/** A sync's export: every contact of the site by cursor, 1,000 a page, one request at a time. */
async function measureCursorWalk(client) {
  log('\n== cursor walk: every contact, newest first, by cursor, 1,000 a page, one page at a time');
  const total = (await client.ok('POST', '/contacts/v4/contacts/query', { query: { paging: { limit: 1 } } })).pagingMetadata.total;
  const times = [];
  let contacts = 0;
  let cursor;
  const start = performance.now();
  do {
    const began = performance.now();
    const page = await client.ok('POST', '/contacts/v4/contacts/query', { query: { cursorPaging: { limit: 1000, ...(cursor && { cursor }) } } });
    times.push(performance.now() - began);
    contacts += page.contacts.length;
    cursor = page.pagingMetadata.cursors.next;
  } while (cursor);
  const seconds = (performance.now() - start) / 1000;
  const result = {
    total,
    contacts,
    pages: times.length,
    seconds: round2(seconds),
    contacts_per_s: Math.round(contacts / seconds),
    page_ms: { p50: percentile(times, 50), p99: percentile(times, 99), max: round2(Math.max(...times)) },
    first_page_ms: round2(times[0]),
    last_page_ms: round2(times[times.length - 1]),
  };
  log(`cursor walk: ${contacts} of ${total} contacts in ${result.pages} pages, ${result.seconds} s (${result.contacts_per_s}/s); page p50 ${result.page_ms.p50} ms, p99 ${result.page_ms.p99} ms, first ${result.first_page_ms} ms, last ${result.last_page_ms} ms`);
  return result;
}

async function measureSerialQuery(client, labelKeys, samples) {
  log(`\n== query, one at a time: the query phase's request, ${samples} samples, no concurrency`);
  const times = [];
  let totals = 0;
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    const page = await client.ok('POST', '/contacts/v4/contacts/query', {
      query: {
        filter: { 'info.labelKeys': { $hasSome: [labelKeys[i % labelKeys.length]] } },
        sort: [{ fieldName: 'createdDate', order: 'DESC' }],
        paging: { limit: 50 },
      },
    });
    times.push(performance.now() - start);
    totals += page.pagingMetadata.total;
  }
  const result = { samples, p50_ms: percentile(times, 50), p99_ms: percentile(times, 99), max_ms: round2(Math.max(...times)), mean_matches: Math.round(totals / samples) };
  log(`query alone: p50 ${result.p50_ms} ms · p99 ${result.p99_ms} ms · max ${result.max_ms} ms (on average ${result.mean_matches} contacts match the filter)`);
  return result;
}

/** Rebuilds the contacts read model from zero in a separate process (tools/bench/replay.mjs), from the SQLite file or the PostgreSQL database given. */
function rebuild(dataDir, rss, preload, mongoUrl, sqlite, postgresUrl) {
  const into = mongoUrl ? `into a fresh database on ${mongoUrl}` : sqlite ? 'into a fresh SQLite read store' : 'into a fresh in-memory read store';
  log(`\n== replay: rebuild of the contacts read model from zero ${into} (separate process, compiled libs from dist/)`);
  return new Promise((resolveReplay, reject) => {
    const execArgv = preload.flatMap((file) => ['--require', file]);
    const source = postgresUrl ? ['--postgres', postgresUrl] : [];
    // Distributed: the keys the apps made, in MONGODB_URL's server, under the run's master key.
    const keys = mongoUrl ? ['--data-keys', mongoUrl] : [];
    const env = mongoUrl ? { ...process.env, DATA_KEY_ENCRYPTION_KEY } : process.env;
    const child = fork(join(here, 'replay.mjs'), [dataDir, ...source, ...keys, ...(mongoUrl ? ['--mongo', mongoUrl] : sqlite ? ['--sqlite'] : [])], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv, env });
    forked.add(child);
    child.once('exit', () => forked.delete(child));
    rss.track('replay', child.pid);
    let result;
    child.once('message', (message) => (result = message));
    child.once('exit', (code) => {
      rss.untrack('replay');
      if (!result) return reject(new Error(`the replay process exited with ${code} without a result`));
      log(
        `replayed ${result.events.toLocaleString('en')} events in ${result.seconds} s: ${result.events_per_s.toLocaleString('en')} events/s ` +
          `(${result.contact_events.toLocaleString('en')} of them on contact streams, the rest duplicate-check claims; ${result.documents} contact documents)`,
      );
      if (result.warnings.length) log(`  projection warnings: ${result.warnings.slice(0, 3).join(' | ')}`);
      resolveReplay(result);
    });
  });
}

function printReport(r) {
  const shareOfHello = shareOfHelloOf(r);
  const rows = [
    ['baseline_hello_rps', r.baseline_hello_rps, 'req/s', `p99 ${r.baseline_hello_p99_ms} ms`],
    ['nest_hello_rps', r.nest_hello_rps, 'req/s', 'empty NestJS route on Fastify: the framework floor'],
    ['create_rps', r.create_rps, 'req/s', ''],
    ['create_p99_ms', r.create_p99_ms, 'ms', ''],
    ['crud_create_rps', r.crud_create_rps, 'req/s', `CRUD yardstick (Nest + class-validator + better-sqlite3); create is ${r.create_vs_crud ?? '—'}× of it`],
    ['crud_get_rps', r.crud_get_rps, 'req/s', `CRUD yardstick; get is ${r.get_vs_crud ?? '—'}× of it`],
    ['shared_create_rps', r.shared_create_rps, 'req/s', r.shared_create_rps === null ? '' : `one phone and one email for all ${r.phases.create_shared.ok_2xx}: first second ${r.shared_create_first_second_rps}/s, last full ${r.shared_create_last_full_second_rps}/s, slowest ${r.shared_create_slowest_second_rps}/s`],
    ['get_rps', r.get_rps, 'req/s', ''],
    ['get_p99_ms', r.get_p99_ms, 'ms', ''],
    ['query_rps', r.query_rps, 'req/s', 'labelKeys $hasSome + sort createdDate, limit 50'],
    ['query_p99_ms', r.query_p99_ms, 'ms', `at ${r.seeded_contacts.toLocaleString('en')} contacts`],
    ['query_serial_p99_ms', r.query_serial_p99_ms, 'ms', r.query_serial ? `same query one at a time; p50 ${r.query_serial.p50_ms} ms, ${r.query_serial.mean_matches} matches on average` : ''],
    ['query_prefix_rps', r.query_prefix_rps, 'req/s', 'name.first $startsWith + sort createdDate'],
    ['query_prefix_p99_ms', r.query_prefix_p99_ms, 'ms', ''],
    ['query_search_rps', r.query_search_rps, 'req/s', 'search "<first> <last prefix>", newest first'],
    ['query_search_p99_ms', r.query_search_p99_ms, 'ms', ''],
    ['cursor_walk_contacts_per_s', r.cursor_walk_contacts_per_s, 'contacts/s', r.cursor_walk ? `every contact by cursor, 1,000 a page, one page at a time: ${r.cursor_walk.pages} pages of ${r.cursor_walk.contacts} contacts (total ${r.cursor_walk.total}); page p50 ${r.cursor_walk.page_ms.p50} ms, first ${r.cursor_walk.first_page_ms} ms, last ${r.cursor_walk.last_page_ms} ms` : ''],
    ['cursor_page_p99_ms', r.cursor_page_p99_ms, 'ms', ''],
    ['label_rps', r.label_rps, 'req/s', `p99 ${r.label_p99_ms} ms`],
    ['subscriptions_upsert_per_s', r.subscriptions_upsert_per_s, 'statuses/s', r.subscriptions ? `${r.subscriptions.statuses} through Bulk Upsert (100 per request); batch p99 ${r.subscriptions.batch_ms.p99} ms` : ''],
    ['import_rows_per_s', r.import_rows_per_s, 'rows/s', r.import ? `${r.import.rows} CSV rows, ${r.import.status}; upload ${r.import.upload_s} s; counts ${r.import.counts_ok ? 'as expected' : 'NOT as expected'}` : ''],
    ['import_query_p99_ratio', r.import_query_p99_ratio, '×', r.import ? `query p99 ${r.import.query_during_import?.p99_ms ?? '—'} ms during the import / ${r.import.query_idle?.p99_ms ?? '—'} ms idle (one at a time, every 10 ms)` : ''],
    ['export_contacts_per_s', r.export_contacts_per_s, 'contacts/s', r.export ? `${r.export.contacts} contacts as CSV, ${r.export.file_mb} MB; rows ${r.export.rows_ok ? 'one per contact' : 'NOT one per contact'}` : ''],
    ['lag_p99_ms', r.lag_p99_ms, 'ms', `p50 ${r.lag.p50_ms} ms`],
    ...(r.webhooks
      ? [
          ['webhook_create_rps', r.webhook_create_rps, 'req/s', `creates with one subscription on (${shareOfHello(r.webhook_create_rps)}); without: ${r.create_rps ?? '—'} (${shareOfHello(r.create_rps)})`],
          ['webhook_lag_p99_ms', r.webhook_lag_p99_ms, 'ms', `commit → receiver; p50 ${r.webhook_lag_p50_ms} ms, p95 ${r.webhook_lag_p95_ms} ms, max ${r.webhooks.lag_ms?.max ?? '—'} ms`],
          ['webhook_delivered', r.webhook_delivered, `of ${r.webhook_created}`, `contacts created during the phase${r.webhooks.duplicates ? `; ${r.webhooks.duplicates} delivered twice` : ''}`],
          ['webhook_backlog_at_end', r.webhook_backlog_at_end, 'pending', `${r.webhook_undelivered_at_end} created but not yet delivered; ${r.webhooks.backlog.later_s} s later ${r.webhook_backlog_later} pending, ${r.webhook_undelivered_later} not delivered`],
        ]
      : []),
    ['abusive_refused', r.abusive_refused, `of ${r.abusive_shapes ?? '—'}`, r.abusive ? (r.abusive.not_refused.length ? `not refused: ${r.abusive.not_refused.join('; ')}` : 'abusive shapes answered 4xx') : ''],
    ['abusive_max_event_loop_ms', r.abusive_max_event_loop_ms, 'ms', r.abusive ? `worst: ${r.abusive.worst_event_loop}; over 50 ms: ${r.abusive.over_limit.join(', ') || 'none'}` : ''],
    ['bulk_query_p99_ratio', r.bulk_query_p99_ratio, '×', r.bulk_job ? `query p99 ${r.bulk_query_p99_during_job_ms} ms during the job / ${r.bulk_query_p99_idle_ms} ms idle (one at a time, every 10 ms)` : ''],
    ['bulk_job_contacts_per_s', r.bulk_job_contacts_per_s, 'contacts/s', r.bulk_job ? `${r.bulk_job.job.successTotal ?? 0} labelled in ${r.bulk_job.server_s ?? '—'} s; event loop max ${r.bulk_job_max_event_loop_ms ?? '—'} ms (idle ${r.bulk_job.event_loop_idle?.max_ms ?? '—'} ms)` : ''],
    ['restart_healthy_s', r.restart_healthy_s, 's', 'start to healthy on the data dir the run wrote (standalone)'],
    ['replay_events_per_s', r.replay_events_per_s, 'events/s', r.replay ? `${r.replay.events} events in ${r.replay.seconds} s; ${r.replay.contact_events} on contact streams (${r.replay.contact_events_per_s}/s), the claims skipped inside SQLite` : ''],
    ['rss_mb', r.rss_mb, 'MB', r.distributed ? `peak, bench processes (5 apps + loadgen + bench); apps alone ${r.rss_server_mb} MB` : `peak, all processes; server alone ${r.rss_server_mb} MB`],
    ...(r.distributed ? [['rss_kafka_mb', r.rss_kafka_mb, 'MB', 'peak, Kafka broker (JVM): not in rss_mb'], ['rss_mongodb_mb', r.rss_mongodb_mb, 'MB', 'peak, the MongoDB-wire server: not in rss_mb']] : []),
    ['seed_contacts_per_s', r.seed_contacts_per_s, 'contacts/s', `${r.seeded_contacts} through the public API`],
  ];
  log(`\n== results (${r.mode}, ${r.seeded_contacts.toLocaleString('en')} contacts seeded, ${r.contacts_at_end.toLocaleString('en')} at the end)`);
  const stalled = (metric) => r.phases[metric.replace(/_(rps|p99_ms)$/, '')]?.requests_total === 0;
  const note = (m, v, n) => (stalled(m) && (v === null || v === 0) ? `no request completed within the phase${n ? `; ${n}` : ''}` : n);
  log(table(['metric', 'value', 'unit', 'note'], rows.map(([m, v, u, n]) => [m, v === null || v === undefined ? '—' : String(v), u, note(m, v, n)])));
  log(`\n== targets (issues 6, 10, 11, 12 and 13, standalone on 2 cores${r.distributed ? '; this run measured the distributed stack' : ''})`);
  log(table(['target', 'measured', 'needed', 'result'], r.targets.map((t) => [t.target, t.measured, t.needed, t.status + (t.note ? ` (${t.note})` : '')])));
}

function shareOfHelloOf(r) {
  return (rps) => (rps === null || rps === undefined || !r.baseline_hello_rps ? '— of hello' : `${Math.round((rps / r.baseline_hello_rps) * 1000) / 10}% of hello`);
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 1 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const roundOrNull = (x) => (x === undefined ? null : Math.round(x));
const roundAll = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    available_parallelism: os.availableParallelism?.() ?? cpus.length,
    cpu_model: cpus[0]?.model?.trim() ?? 'unknown',
    total_mem_mb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    os_release: os.release(),
  };
}

/** Which code was measured: the commit, and the files under libs/ and apps/ that differ from it. */
function codeInfo() {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    // not trimmed: each porcelain line starts with its two status columns, a space included
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'libs', 'apps'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommitted_in_libs_apps: changed ? changed.split('\n').map((line) => line.slice(3)) : [] };
  } catch {
    return { commit: 'unknown (not a git checkout)', uncommitted_in_libs_apps: [] };
  }
}

function autocannonVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules/autocannon/package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

async function cleanup() {
  for (const child of forked) child.kill('SIGKILL');
  forked.clear();
  for (const proc of started) await stopProcess(proc, 5_000).catch(() => {});
  started.clear();
  const stop = stopInfrastructure;
  stopInfrastructure = undefined;
  await stop?.().catch((error) => console.error(`stopping the infrastructure failed: ${error.message}`));
  if (cleanupDataDir) rmSync(cleanupDataDir, { recursive: true, force: true });
  eventLoop?.close();
  eventLoop = undefined;
  cleanupDataDir = undefined;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`\n${signal}: stopping what the bench started`);
    await cleanup();
    process.exit(130);
  });
}

main()
  .catch((error) => {
    console.error(`\nbench failed: ${error?.stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(cleanup);

/** The app's READ_STORE, when the run names one. */
function readStoreEnv(options) {
  return options.readStore ? { READ_STORE: options.readStore } : {};
}
