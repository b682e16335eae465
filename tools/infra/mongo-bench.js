#!/usr/bin/env node
// Latency of the read models' typical operations on a MongoDB-wire server, to compare the servers
// tools/infra can start (docs/architecture.md, "CI's MongoDB-wire server"):
//   node tools/infra/mongo-bench.js [MONGODB_URL] [SIZES]   e.g. mongodb://127.0.0.1:27018 1000,10000
// For each collection size: findOne by _id, a filtered + sorted find on a compound index (limit 50),
// insertOne and replaceOne by _id; the median and p95 in ms over BENCH_OPS (200) operations each.
// It works in the database `bench_read_model`, which it drops first and last.
const { MongoClient } = require('mongodb');

const url = process.argv[2] || process.env.MONGODB_URL || 'mongodb://127.0.0.1:27018';
const sizes = (process.argv[3] || '1000,10000').split(',').map(Number);
const ops = Number(process.env.BENCH_OPS || 200);
const sites = 20;

const doc = (i) => ({
  _id: `contact-${i}`,
  siteId: `site-${i % sites}`,
  name: `Name ${String((i * 7919) % 100000).padStart(5, '0')}`,
  email: `user${i}@example.com`,
  tags: ['a', 'b'],
  updatedAt: new Date(1_700_000_000_000 + i * 1000),
  revision: 1,
});

async function time(fn) {
  const samples = [];
  for (let i = 0; i < ops; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return `${at(0.5).toFixed(2)} / ${at(0.95).toFixed(2)}`;
}

async function main() {
  const client = await new MongoClient(url, { serverSelectionTimeoutMS: 10_000 }).connect();
  const db = client.db('bench_read_model');
  await db.dropDatabase();
  const contacts = db.collection('contacts');
  await contacts.createIndex({ siteId: 1, name: 1 }, { name: 'site_name' });
  const hello = await db.admin().command({ buildInfo: 1 }).catch(() => ({}));
  console.log(`server ${url} (buildInfo version ${hello.version ?? '?'}), ${ops} ops per cell, median / p95 ms`);
  console.log('docs\tfindOne _id\tfind+sort idx\tinsertOne\treplaceOne');
  let count = 0;
  let extra = 10_000_000;
  for (const size of sizes) {
    while (count < size) {
      const batch = [];
      for (let i = 0; i < 1000 && count < size; i++) batch.push(doc(count++));
      await contacts.insertMany(batch, { ordered: false });
    }
    const rnd = (i) => (i * 2654435761) % size;
    // Warm-up, then the measured rounds.
    for (let i = 0; i < 20; i++) await contacts.findOne({ _id: `contact-${rnd(i)}` });
    const findOne = await time(async (i) => {
      const found = await contacts.findOne({ _id: `contact-${rnd(i)}` });
      if (!found) throw new Error('findOne: not found');
    });
    const findSorted = await time(async (i) => {
      const page = await contacts.find({ siteId: `site-${i % sites}`, name: { $gte: 'Name 5' } }).sort({ name: 1 }).limit(50).toArray();
      if (page.length === 0) throw new Error('find: empty');
    });
    const insert = await time(async () => {
      await contacts.insertOne(doc(extra++));
    });
    const replace = await time(async (i) => {
      const d = doc(rnd(i));
      d.revision = 2 + i;
      const r = await contacts.replaceOne({ _id: d._id }, d);
      if (r.matchedCount !== 1) throw new Error('replaceOne: no match');
    });
    console.log(`${size}\t${findOne}\t${findSorted}\t${insert}\t${replace}`);
  }
  const plan = await contacts.find({ siteId: 'site-1' }).sort({ name: 1 }).limit(50).explain().catch((e) => ({ error: e.message }));
  const stage = JSON.stringify(plan.queryPlanner?.winningPlan ?? plan).match(/IXSCAN|COLLSCAN|IDHACK|EXPRESS_IXSCAN/g);
  console.log(`explain of the sorted find: ${stage ? [...new Set(stage)].join(',') : JSON.stringify(plan).slice(0, 200)}`);
  await db.dropDatabase();
  await client.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
