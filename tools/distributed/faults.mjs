#!/usr/bin/env node
// Fault tests for the distributed system, run by tools/distributed/test.sh once the end-to-end
// suites have passed. They kill things for real:
//  1. SIGKILL the contacts service in the middle of a write load, start it again: no
//     acknowledged write is lost, nothing is applied twice, projections catch up.
//  2. Stop the Kafka broker: writes answer 503 (no hang); start it again: the system recovers
//     by itself.
// Environment: GATEWAY_URL, CONTACTS_PID (process group of the running contacts service),
// CONTACTS_HEALTH_URL, and the contacts service's own variables (KAFKA_BROKERS, MONGODB_URL, DATA_DIR).
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, openSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { assert, finish, siteClient, test, until } from './lib/fault-checks.mjs';

const gateway = process.env.GATEWAY_URL;
const keys = JSON.parse(readFileSync(new URL('../../apps/standalone/test/test-keys.json', import.meta.url)));
const admin = keys.find((k) => k.sites.includes('*')).key;
const site = `faults-${randomUUID().slice(0, 8)}`;
let contactsPid = Number(process.env.CONTACTS_PID);

const callSite = siteClient(admin, site);
const call = (method, path, body, timeoutMs) => callSite(gateway, method, path, body, timeoutMs);

function startContactsService() {
  const log = openSync(`${process.env.RUN_DIR}/contacts-restarted.log`, 'a');
  const child = spawn(process.execPath, ['dist/apps/contacts-service/src/main.js'], {
    env: { ...process.env, HEALTH_PORT: '3961', HOST: '127.0.0.1' },
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  return child.pid;
}
const healthy = async (url) => (await fetch(url).then((r) => r.ok, () => false));

await test('SIGKILL of the contacts service under write load loses no acknowledged write and applies none twice', async () => {
  const acknowledged = new Map(); // email -> id
  let attempts = 0;
  let killed = false;
  const writer = async () => {
    while (attempts < 400) {
      const email = `w${attempts++}-${randomUUID().slice(0, 6)}@faults.io`;
      const reply = await call('POST', '/contacts/v4/contacts', { info: { emails: { items: [{ email }] } } });
      if (reply.status === 200) acknowledged.set(email, reply.body.contact.id);
      if (!killed && acknowledged.size >= 60) {
        killed = true;
        process.kill(-contactsPid, 'SIGKILL');
        setTimeout(() => (contactsPid = startContactsService()), 1000);
      }
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
  assert(killed, 'the load finished before the service was killed');
  await until(() => healthy(process.env.CONTACTS_HEALTH_URL), 90_000, 'the restarted contacts service');
  await until(async () => (await call('GET', '/health')).status === 200, 90_000, 'the gateway to report healthy');
  for (const [email, id] of acknowledged) {
    const got = await call('GET', `/contacts/v4/contacts/${id}`);
    assert(got.status === 200 && got.body.contact.revision === 1, `acknowledged contact ${id} (${email}) answered ${got.status} rev ${got.body?.contact?.revision}`);
    const found = await call('POST', '/contacts/v4/contacts/query', { query: { filter: { 'info.emails.email': email } } });
    assert(found.body.pagingMetadata.total === 1, `${email} is held by ${found.body.pagingMetadata.total} contacts`);
  }
  console.log(`      ${acknowledged.size} of ${attempts} writes acknowledged; all present once`);
});

await test('with the broker stopped writes answer 503 without hanging, and the system recovers by itself', async () => {
  execFileSync('bash', ['tools/infra/kafka.sh', 'stop'], { stdio: 'inherit' });
  try {
    const during = await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'During outage' } } }, 30_000);
    assert(during.status === 503, `a write during the outage answered ${during.status}${during.error ? ` (${during.error})` : ''}`);
    // A create is sent once more after REQUEST_TIMEOUT_MS (10 s here): it is deduplicated by its
    // idempotency key, and a replica that died with the first attempt has usually lost its
    // partitions by then. So its 503 comes after two deadlines, not one.
    assert(during.ms < 2 * 10_000 + 5_000, `the 503 took ${during.ms} ms`);
  } finally {
    execFileSync('bash', ['tools/infra/kafka.sh', 'start'], { stdio: 'inherit', env: { ...process.env, KAFKA_KEEP_DATA: '1' } });
  }
  let after;
  await until(async () => {
    after = await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'After outage' } } });
    return after.status === 200;
  }, 120_000, 'writes to succeed again');
  const read = await call('GET', `/contacts/v4/contacts/${after.body.contact.id}`);
  assert(read.status === 200, 'the write after the outage cannot be read back');
  // Every service's Kafka consumer rejoins its group after the broker is back (kafkajs restarts a
  // crashed consumer with backoff), so health can come back after writes do; if it does not,
  // the last report names the service that was not ready.
  let health;
  await until(async () => (health = await call('GET', '/health')).status === 200, 120_000, 'the gateway to report healthy', () => JSON.stringify(health?.body ?? health?.error));
});

try {
  process.kill(-contactsPid, 'SIGTERM');
} catch {
  // already gone
}
finish('faults');
