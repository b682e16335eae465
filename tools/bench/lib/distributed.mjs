// The distributed stack for `npm run bench -- --distributed`: the infrastructure (Kafka and the
// MongoDB-wire server of tools/infra: SecantusDB, or FerretDB with MONGODB_SERVER=ferretdb;
// PostgreSQL for the event stores unless --event-store sqlite) and the five apps, each its own
// process (or `--replicas` processes each), started as tools/distributed/test.sh starts them.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort, run, startNode, waitForHttp200 } from './processes.mjs';

const require = createRequire(import.meta.url);

/** The apps of the distributed stack: role (for RSS and logs), dist/apps/<app>, its read-model database. */
export const APPS = [
  { role: 'contacts', app: 'contacts-service', database: 'contacts' },
  { role: 'labels', app: 'labels-service', database: 'labels' },
  { role: 'extended_fields', app: 'extended-fields-service', database: 'extended_fields' },
  { role: 'webhooks', app: 'webhooks-service', database: 'webhooks' },
  { role: 'gateway', app: 'gateway' },
];

/** Keys and secrets the replicas of an app share: one signing key, one unsubscribe-link secret per run. */
const SHARED_SECRETS = {
  webhookPrivateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
  unsubscribeLinkSecret: randomBytes(32).toString('base64'),
  dataKeyEncryptionKey: randomBytes(32).toString('base64'),
};

/** The master key the distributed apps of this run wrap their data keys with (their key store is MONGODB_URL's server). */
export const DATA_KEY_ENCRYPTION_KEY = SHARED_SECRETS.dataKeyEncryptionKey;

/** What an app needs of its own besides the shared stores: the port it answers on, keys and secrets. */
function ownEnv(app, port, apiKeys) {
  switch (app) {
    // RATE_LIMITS off: the bench measures the server, not the rate limiter (issue 10's default would refuse its load)
    case 'gateway':
      return { PORT: String(port), API_KEYS: JSON.stringify(apiKeys), RATE_LIMITS: 'off', UNSUBSCRIBE_LINK_SECRET: SHARED_SECRETS.unsubscribeLinkSecret };
    // The gateway is ready only when every service is, the webhooks service included; it signs with a key of this run.
    case 'webhooks-service':
      return { HEALTH_PORT: String(port), WEBHOOK_PRIVATE_KEY: SHARED_SECRETS.webhookPrivateKey, DATA_KEY_ENCRYPTION_KEY: SHARED_SECRETS.dataKeyEncryptionKey };
    case 'contacts-service':
      return { HEALTH_PORT: String(port), DATA_KEY_ENCRYPTION_KEY: SHARED_SECRETS.dataKeyEncryptionKey };
    default:
      return { HEALTH_PORT: String(port) };
  }
}

/** The MongoDB-wire server tools/infra/up.sh starts (MONGODB_SERVER: secantusdb by default, or ferretdb). */
const MONGODB_SERVER = process.env.MONGODB_SERVER ?? 'secantusdb';

/** The servers of tools/infra, with the pid files its scripts write (tools/infra/common.sh: INFRA_RUN). */
const SERVERS = [
  { role: 'kafka', script: 'kafka.sh', pidFile: 'kafka/kafka.pid' },
  { role: 'mongodb', script: `${MONGODB_SERVER}.sh`, pidFile: `${MONGODB_SERVER}/${MONGODB_SERVER}.pid` },
];

/**
 * Uses KAFKA_BROKERS and MONGODB_URL as they are when both are set; otherwise starts the servers
 * with tools/infra/up.sh, and `stop()` stops those it started (down.sh when it started both).
 * `onStarting` is called before anything starts, so that an interrupted start is cleaned up too.
 */
export async function startInfrastructure({ root, log, onStarting }) {
  const infraDir = join(root, 'tools/infra');
  const infraRun = process.env.INFRA_RUN ?? join(root, '.infra');
  const pids = () => Object.fromEntries(SERVERS.map((s) => [s.role, livePid(join(infraRun, s.pidFile))]));
  const { KAFKA_BROKERS: kafkaBrokers, MONGODB_URL: mongoUrl } = process.env;
  if (kafkaBrokers && mongoUrl) {
    const how = 'from the environment (KAFKA_BROKERS, MONGODB_URL), used as is and left running';
    log(`infrastructure: ${how}: ${kafkaBrokers}, ${mongoUrl}`);
    return { kafkaBrokers, mongoUrl, how, startedByBench: [], pids, stop: async () => {} };
  }
  const running = [];
  for (const server of SERVERS) {
    if (await run('bash', [join(infraDir, server.script), 'status'], { quiet: true }).then(() => true, () => false)) running.push(server.role);
  }
  const startedByBench = SERVERS.map((s) => s.role).filter((role) => !running.includes(role));
  const stop = async () => {
    if (startedByBench.length === 0) return;
    log(`\n== stopping the infrastructure the bench started (${startedByBench.join(', ')})`);
    if (startedByBench.length === SERVERS.length) await run('bash', [join(infraDir, 'down.sh')], { quiet: true });
    else for (const role of startedByBench) await run('bash', [join(infraDir, SERVERS.find((s) => s.role === role).script), 'stop'], { quiet: true });
  };
  onStarting?.(stop);
  const how = running.length === 0
    ? 'started by the bench with tools/infra/up.sh, stopped at the end with tools/infra/down.sh'
    : `tools/infra/up.sh; already running before the bench and left running: ${running.join(', ')}; started and stopped by the bench: ${startedByBench.join(', ') || 'none'}`;
  log(`infrastructure: KAFKA_BROKERS and MONGODB_URL not set: ${how}`);
  const output = await run('bash', [join(infraDir, 'up.sh')], { quiet: true, cwd: root });
  const value = (name) => new RegExp(`^${name}=(.+)$`, 'm').exec(output)?.[1]?.trim();
  if (!value('KAFKA_BROKERS') || !value('MONGODB_URL')) throw new Error(`tools/infra/up.sh printed no KAFKA_BROKERS/MONGODB_URL:\n${output.slice(-2000)}`);
  log(`infrastructure up: ${value('KAFKA_BROKERS')}, ${value('MONGODB_URL')}`);
  return { kafkaBrokers: value('KAFKA_BROKERS'), mongoUrl: value('MONGODB_URL'), how, startedByBench, pids, stop };
}

/** The pid in a pid file if that process is alive, else undefined. */
function livePid(file) {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/**
 * The apps have no setting for a database name or prefix (each opens a fixed database), so a run
 * starts from empty read models by dropping those databases first. Returns the ones that existed,
 * and which server answers (FerretDB says so in buildInfo).
 */
export async function dropAppDatabases(mongoUrl) {
  const { MongoClient } = require('mongodb');
  const client = await new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 }).connect();
  try {
    const admin = client.db('admin').admin();
    const build = await admin.buildInfo();
    const server = build.ferretdbVersion ? `FerretDB ${build.ferretdbVersion} (MongoDB ${build.version} wire)` : `MongoDB ${build.version}`;
    const existing = new Set((await admin.listDatabases({ nameOnly: true })).databases.map((d) => d.name));
    const names = APPS.map((a) => a.database).filter(Boolean);
    for (const name of names) await client.db(name).dropDatabase();
    return { dropped: names.filter((name) => existing.has(name)), server, ferretdb: Boolean(build.ferretdbVersion) };
  } finally {
    await client.close();
  }
}

/**
 * PostgreSQL for the apps' event stores: the server at POSTGRES_URL when set, else the one of
 * tools/infra/postgres.sh (started here if it is not running, and then stopped by `stop()`),
 * with a database of this run's own, dropped by `stop()`.
 */
export async function startPostgres({ root, log }) {
  const script = join(root, 'tools/infra/postgres.sh');
  const { Client } = require('pg');
  let serverUrl = process.env.POSTGRES_URL;
  let startedByBench = false;
  if (!serverUrl) {
    const running = await run('bash', [script, 'status'], { quiet: true }).then(() => true, () => false);
    const output = await run('bash', [script, running ? 'url' : 'start'], { quiet: true, cwd: root });
    serverUrl = /^POSTGRES_URL=(.+)$/m.exec(output)?.[1]?.trim();
    if (!serverUrl) throw new Error(`tools/infra/postgres.sh printed no POSTGRES_URL:\n${output.slice(-2000)}`);
    startedByBench = !running;
  }
  const database = `bench_events_${Date.now()}_${process.pid}`;
  const admin = async (sql) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${database}`);
  const url = `${serverUrl.replace(/\/[^/]*$/, '')}/${database}`;
  const how = `PostgreSQL ${startedByBench ? 'started by the bench with tools/infra/postgres.sh' : process.env.POSTGRES_URL ? 'at POSTGRES_URL' : 'of tools/infra/postgres.sh, already running'}, database ${database} (dropped afterwards)`;
  log(`event stores: ${how}`);
  const infraRun = process.env.INFRA_RUN ?? join(root, '.infra');
  return {
    url,
    how,
    pid: () => livePid(join(infraRun, 'postgres/postgres.pid')),
    async stop() {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch((error) => log(`dropping ${database} failed: ${error.message}`));
      if (startedByBench) await run('bash', [script, 'stop'], { quiet: true });
    },
  };
}

/** The role of an app's nth replica (RSS, logs): its own role for the first, `<role>_<n>` for the others. */
export const replicaRole = (role, n) => (n === 1 ? role : `${role}_${n}`);

/**
 * Starts the five apps (`replicas` processes each, an INSTANCE_ID each) on free ports (the
 * services' HEALTH_PORT, the gateway's PORT) with one DATA_DIR (their SQLite event stores, unless
 * `eventStoreUrl` is given), and waits until every /health answers 200; the gateway's answers
 * 200 only when every service reports itself ready. `onStart(role, proc)` is called as each
 * process is spawned. Returns { baseUrl, baseUrls (every gateway replica), apps }.
 */
export async function startApps({ root, dataDir, kafkaBrokers, mongoUrl, eventStoreUrl, replicas = 1, apiKeys, logFile, nodeArgs = [], onStart }) {
  const apps = [];
  for (const { role: appRole, app } of APPS) {
    for (let n = 1; n <= replicas; n++) {
      const role = replicaRole(appRole, n);
      const port = await freePort();
      const shared = { DATA_DIR: dataDir, HOST: '127.0.0.1', KAFKA_BROKERS: kafkaBrokers, MONGODB_URL: mongoUrl, KAFKAJS_NO_PARTITIONER_WARNING: '1', INSTANCE_ID: `${appRole}-${n}` };
      const proc = startNode([...nodeArgs, join(root, `dist/apps/${app}/src/main.js`)], {
        env: { ...shared, ...(eventStoreUrl && { EVENTSTORE_URL: eventStoreUrl }), ...ownEnv(app, port, apiKeys) },
        logFile: logFile(role),
        cwd: root,
      });
      onStart(role, proc);
      apps.push({ role, app, port, proc, healthUrl: `http://127.0.0.1:${port}/health` });
    }
  }
  await Promise.all(apps.map((a) => waitForHttp200(a.healthUrl, a.proc)));
  const baseUrls = apps.filter((a) => a.app === 'gateway').map((a) => `http://127.0.0.1:${a.port}`);
  return { baseUrl: baseUrls[0], baseUrls, apps };
}

/**
 * The whole stack: the infrastructure, empty read-model databases, the five apps. Returns
 * { baseUrl, baseUrls, apps, infra, info } (info: what the results file records about the setup).
 */
export async function startDistributed({ root, dataDir, apiKeys, logFile, nodeArgs, onStart, onInfraStarting, log, replicas = 1, eventStore = 'postgres' }) {
  const infra = await startInfrastructure({ root, log, onStarting: onInfraStarting });
  const postgres = eventStore === 'postgres' ? await startPostgres({ root, log }) : undefined;
  if (postgres) {
    const { stop, pids } = infra;
    infra.stop = async () => {
      await postgres.stop();
      await stop();
    };
    infra.pids = () => ({ ...pids(), postgres: postgres.pid() });
    onInfraStarting?.(infra.stop);
  }
  const { dropped, server, ferretdb } = await dropAppDatabases(infra.mongoUrl);
  log(`read models on ${server}`);
  if (ferretdb) log('note: FerretDB\'s SQLite backend scans a collection for every lookup, even by _id: seeding, queries and the replay slow down as the collection grows (docs/performance.md, Distributed mode)');
  const databases = APPS.map((a) => a.database).filter(Boolean);
  log(
    `read-model databases ${databases.join(', ')} dropped before the start (the apps have no database-name setting; ` +
      `${dropped.length ? `existed: ${dropped.join(', ')}` : 'none existed'})`,
  );
  const { baseUrl, baseUrls, apps } = await startApps({ root, dataDir, kafkaBrokers: infra.kafkaBrokers, mongoUrl: infra.mongoUrl, eventStoreUrl: postgres?.url, replicas, apiKeys, logFile, nodeArgs, onStart });
  const info = {
    infrastructure: infra.how,
    kafka_brokers: infra.kafkaBrokers,
    mongodb_url: infra.mongoUrl,
    mongodb_server: server,
    event_store: postgres ? postgres.how : 'SQLite, one file per service under DATA_DIR',
    ...(postgres && { event_store_url: postgres.url }),
    replicas,
    read_model_databases: `${databases.join(', ')}: dropped before the apps started${dropped.length ? ` (existed: ${dropped.join(', ')})` : ''}`,
    apps: Object.fromEntries(apps.map((a) => [a.role, { app: a.app, port: a.port, pid: a.proc.pid }])),
  };
  return { baseUrl, baseUrls, apps, infra, info };
}

/**
 * Waits until the gateway's /health (a round trip through Kafka to every service) answers 200
 * within a second: the services have worked off what a load phase left queued. Returns the seconds waited.
 */
export async function waitUntilDrained(baseUrl, log, timeoutMs = 600_000) {
  const started = Date.now();
  for (;;) {
    const sent = Date.now();
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      if (response.status === 200 && Date.now() - sent < 1_000) break;
    } catch {
      /* still busy */
    }
    if (Date.now() - started > timeoutMs) throw new Error(`the services did not work off their backlog within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const waited = Math.round((Date.now() - started) / 100) / 10;
  if (waited >= 1) log(`  waited ${waited} s for the services to work off the requests left queued`);
  return waited;
}
