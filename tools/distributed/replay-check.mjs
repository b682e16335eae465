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
execFileSync(process.execPath, ['dist/tools/replay/replay.js', 'rebuild', 'contacts'], { stdio: 'inherit', env: process.env });
const after = await snapshot();
check('replay rebuild contacts gives a read model equal to the live one', before === after && JSON.parse(after).length > 0, `${JSON.parse(before).length} documents before, ${JSON.parse(after).length} after`);
const leftovers = (await client.db('contacts').listCollections().toArray()).filter((c) => c.name.startsWith('contacts_rebuild'));
check('no rebuild collection is left behind', leftovers.length === 0, leftovers.map((c) => c.name).join(', '));
await client.close();

const out = join(mkdtempSync(join(tmpdir(), 'export-')), 'events.jsonl');
execFileSync(process.execPath, ['dist/tools/replay/replay.js', 'export', '--out', out], { stdio: 'inherit', env: process.env });
const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
check('replay export writes every stored event as JSON Lines, in order', lines.length > 0 && lines.every((e, i) => i === 0 || e.globalPosition > lines[i - 1].globalPosition));

// The contacts service relays its events to contacts.events, keyed by site and contact.
const { Kafka, logLevel } = require('kafkajs');
const consumer = new Kafka({ brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: `replay-check-${Date.now()}` });
await consumer.connect();
await consumer.subscribe({ topic: 'contacts.events', fromBeginning: true });
const relayed = [];
await consumer.run({ eachMessage: async ({ message }) => relayed.push({ key: message.key?.toString(), value: JSON.parse(message.value.toString()) }) });
const relayDeadline = Date.now() + 20_000;
const storedContactEvents = lines.filter((e) => e.streamId.startsWith('contact-')).length;
while (relayed.length < storedContactEvents && Date.now() < relayDeadline) await new Promise((resolve) => setTimeout(resolve, 250));
await consumer.disconnect();
const ids = new Set(relayed.map((m) => m.value.id));
check(
  'every stored contact event was relayed to contacts.events, keyed by site and contact',
  ids.size >= storedContactEvents && relayed.every((m) => m.key === `${m.value.siteId}:${m.value.entityId}`),
  `${ids.size} distinct relayed, ${storedContactEvents} stored`,
);

const passed = results.filter(Boolean).length;
console.log(`replay: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
