#!/usr/bin/env node
// Checks the replay tool against the running distributed system: `replay rebuild contacts`
// must produce a read model equal to the live one (while the service keeps running), and
// `replay export` must write the stored events as JSON Lines.
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { MongoClient } = require('mongodb');
const results = [];
const check = (name, ok, detail = '') => {
  results.push(ok);
  console.log(`  ${ok ? '✓' : '✕'} ${name}${ok ? '' : `\n      ${detail}`}`);
};

const client = await new MongoClient(process.env.MONGODB_URL).connect();
const contacts = () => client.db('contacts').collection('contacts');
const snapshot = async () => JSON.stringify(await contacts().find({}).sort({ _id: 1 }).toArray());

const before = await snapshot();
execFileSync(process.execPath, ['dist/tools/cli/main.js', 'replay', 'rebuild', 'contacts'], { stdio: 'inherit', env: process.env });
const after = await snapshot();
check('replay rebuild contacts gives a read model equal to the live one', before === after && JSON.parse(after).length > 0, `${JSON.parse(before).length} documents before, ${JSON.parse(after).length} after`);
const leftovers = (await client.db('contacts').listCollections().toArray()).filter((c) => c.name.startsWith('contacts_rebuild'));
check('no rebuild collection is left behind', leftovers.length === 0, leftovers.map((c) => c.name).join(', '));
await client.close();

const out = join(mkdtempSync(join(tmpdir(), 'export-')), 'events.jsonl');
execFileSync(process.execPath, ['dist/tools/cli/main.js', 'replay', 'export', '--out', out], { stdio: 'inherit', env: process.env });
const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
check('replay export writes every stored event as JSON Lines, in order', lines.length > 0 && lines.every((e, i) => i === 0 || e.globalPosition > lines[i - 1].globalPosition));

// The contacts service relays its public events to contacts.public-events, keyed by site and
// contact. Not one per stored event (a merge makes two, a second deletion none): every contact
// stream must show up, under the right key.
const { siteKey } = require('../../dist/libs/contracts/src/ids.js');
const { Kafka, logLevel } = require('kafkajs');
const consumer = new Kafka({ brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: `replay-check-${Date.now()}` });
await consumer.connect();
await consumer.subscribe({ topic: 'contacts.public-events', fromBeginning: true });
const relayed = [];
await consumer.run({ eachMessage: async ({ message }) => relayed.push({ key: message.key?.toString(), value: JSON.parse(message.value.toString()) }) });
// Stream `contact-<siteKey>.<contactId>` is keyed `<siteKey>:<contactId>`.
const expectedKeys = new Set(lines.filter((e) => e.streamId.startsWith('contact-')).map((e) => e.streamId.slice('contact-'.length).replace('.', ':')));
const relayedKeys = () => new Set(relayed.map((m) => m.key));
const missing = () => [...expectedKeys].filter((key) => !relayedKeys().has(key));
const relayDeadline = Date.now() + 20_000;
while (missing().length > 0 && Date.now() < relayDeadline) await new Promise((resolve) => setTimeout(resolve, 250));
await consumer.disconnect();
const misKeyed = relayed.filter((m) => m.key !== `${siteKey(m.value.event.instanceId)}:${m.value.event.entityId}`);
check(
  'every stored contact has public events on contacts.public-events, keyed by site and contact',
  expectedKeys.size > 0 && missing().length === 0 && misKeyed.length === 0,
  `${missing().length} of ${expectedKeys.size} contacts missing (e.g. ${missing().slice(0, 3).join(', ')}); ${misKeyed.length} of ${relayed.length} messages keyed otherwise (e.g. ${misKeyed[0]?.key})`,
);

const passed = results.filter(Boolean).length;
console.log(`replay: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
