#!/usr/bin/env node
// Operability checks of the distributed system, run by tools/distributed/test.sh after the
// end-to-end suites (which leave requests, appends and projections to measure):
//  1. Every app answers /health/live and /health/ready, and /metrics in Prometheus's format with
//     the families it should have (docs/operations.md): the gateways their HTTP and Kafka
//     request metrics, the services their appends and projection lags.
//  2. SIGTERM of a gateway replica under a create load: every request it had been sent before the
//     signal is answered (2xx), later ones are refused at the connection or answered; it logs a
//     drain with nothing unfinished and stops.
// Environment: GATEWAY_REPLICA_URL, GATEWAY_REPLICA_PGID, GATEWAY_REPLICA_LOG, APP_URLS
// (`name=url,...`: every app's HTTP or HEALTH_PORT address).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { assert, finish, sleep, test, until } from './lib/fault-checks.mjs';

const keys = JSON.parse(readFileSync(new URL('../../apps/standalone/test/test-keys.json', import.meta.url)));
const admin = keys.find((k) => k.sites.includes('*') && k.scopes.includes('*')).key;
const apps = process.env.APP_URLS.split(',').map((entry) => {
  const [name, url] = entry.split('=');
  return { name, url };
});
const families = (text) => new Set(text.split('\n').filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2]));
const EXPECTED = {
  gateway: ['http_request_duration_seconds', 'kafka_request_duration_seconds', 'process_resident_memory_bytes'],
  service: ['event_store_append_duration_seconds', 'projection_lag_events', 'process_resident_memory_bytes'],
};

await test('every app answers /health/live, /health/ready and /metrics with its metric families', async () => {
  for (const app of apps) {
    for (const path of ['/health/live', '/health/ready']) {
      const response = await fetch(`${app.url}${path}`);
      assert(response.status === 200, `${app.name} ${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
    const metrics = await fetch(`${app.url}/metrics`);
    assert(metrics.status === 200 && /^text\/plain; version=0\.0\.4/.test(metrics.headers.get('content-type') ?? ''), `${app.name} /metrics answered ${metrics.status} ${metrics.headers.get('content-type')}`);
    const found = families(await metrics.text());
    const missing = EXPECTED[app.name.startsWith('gateway') ? 'gateway' : 'service'].filter((family) => !found.has(family));
    assert(missing.length === 0, `${app.name} /metrics lacks ${missing.join(', ')}`);
  }
  console.log(`      ${apps.map((app) => app.name).join(', ')}: live, ready, metrics`);
});

/** A create over `agent` (keep-alive connections, as a client's pool keeps them), with when its bytes were handed to the system. */
function create(url, agent, site, id) {
  return new Promise((resolve) => {
    let sentAt;
    const body = JSON.stringify({ info: { name: { first: id } } });
    const outgoing = request(
      `${url}/contacts/v4/contacts`,
      { method: 'POST', agent, headers: { authorization: admin, 'wix-site-id': site, 'content-type': 'application/json', 'x-request-id': id } },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ id, sentAt, status: response.statusCode }));
        response.on('error', (error) => resolve({ id, sentAt, error: error.code ?? error.message }));
      },
    );
    outgoing.on('finish', () => (sentAt = Date.now()));
    outgoing.on('error', (error) => resolve({ id, sentAt, error: error.code ?? error.message }));
    outgoing.end(body);
  });
}

await test('SIGTERM of a gateway replica under load answers every request it was sent before, then it stops', async () => {
  const url = process.env.GATEWAY_REPLICA_URL;
  const site = `drain-${randomUUID().slice(0, 8)}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const outcomes = [];
  let next = 0;
  let sigtermAt = Infinity;
  const client = async () => {
    while (next < 600) {
      outcomes.push(await create(url, agent, site, `drain-${next++}`));
      if (outcomes.length === 60) {
        sigtermAt = Date.now();
        process.kill(-Number(process.env.GATEWAY_REPLICA_PGID), 'SIGTERM');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, client));
  agent.destroy();
  const answered = outcomes.filter((o) => o.status !== undefined);
  const notOk = answered.filter((o) => o.status !== 200);
  const lostBeforeSigterm = outcomes.filter((o) => o.error !== undefined && o.sentAt !== undefined && o.sentAt < sigtermAt);
  const refusedAfter = outcomes.filter((o) => o.error !== undefined).length - lostBeforeSigterm.length;
  console.log(`      ${answered.length} answered (${answered.filter((o) => o.sentAt < sigtermAt).length} sent before SIGTERM), ${refusedAfter} refused after it`);
  assert(notOk.length === 0, `answers other than 200: ${JSON.stringify(notOk.slice(0, 5))}`);
  assert(lostBeforeSigterm.length === 0, `requests sent before SIGTERM got no answer: ${JSON.stringify(lostBeforeSigterm.slice(0, 5))}`);
  assert(refusedAfter > 0, 'the load never met the closed port: the test did not exercise the stop');
  const lines = () =>
    readFileSync(process.env.GATEWAY_REPLICA_LOG, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
  await until(() => lines().some((line) => /^gateway stopped/.test(line.msg ?? '')), 30_000, 'the replica to log that it stopped');
  const drained = lines().find((line) => typeof line.inFlightAtStart === 'number');
  assert(drained && drained.unfinished === 0, `the drain left requests unfinished: ${JSON.stringify(drained)}`);
  await sleep(500);
  const gone = await fetch(`${url}/health/live`).then(
    () => false,
    () => true,
  );
  assert(gone, 'the replica still answers after it logged its stop');
});

finish('operability');
