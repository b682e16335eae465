#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (from `npm run bench -- --profile`, or `node --cpu-prof`):
// self time by package/library, then the top functions by self time and by inclusive time.
// Usage: node tools/bench/profile-summary.mjs <file.cpuprofile> [--top 30] [--filter <text>] [--phase <name>] [--by-file] [--stages]
// --phase keeps only the samples of one bench phase (get, query, create, label, seed, lag, ...),
// using the phases-<pid>.json the bench writes beside the profile (times since process start).
// --by-file adds the busy time by the nearest file of our own code (dist/libs, dist/apps) on each
// sample's stack: SQLite, mingo, Node's internals and the rest charged to the code that called
// them (an await cuts a stack, so work resumed after one is charged to the function resumed).
// --through <prefixes> (comma-separated, e.g. libs/event-store,libs/read-store) charges those
// files' time to their nearest caller outside them too, when the stack has one.
// --stages groups that (with --through libs/event-store,libs/read-store,libs/messaging,libs/projection
// unless given) by what the work is for: the create request, the contacts projection, the public
// events' relay and feed, the subscriptions' page reads, the webhooks dispatcher, delivery worker
// and deliveries read model (docs/performance.md, "Webhooks").
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const file = args.find((a, i) => a.endsWith('.cpuprofile') && !args[i - 1]?.startsWith('--'));
const top = Number(args[args.indexOf('--top') + 1]) || 30;
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args[filterAt + 1] : undefined;
const phaseAt = args.indexOf('--phase');
const phase = phaseAt >= 0 ? args[phaseAt + 1] : undefined;
const stagesWanted = args.includes('--stages');
const byFile = args.includes('--by-file') || stagesWanted;
const throughAt = args.indexOf('--through');
const through =
  throughAt >= 0 ? args[throughAt + 1].split(',').map((p) => p.trim()).filter(Boolean) : stagesWanted ? ['libs/event-store', 'libs/read-store', 'libs/messaging', 'libs/projection'] : [];
if (!file) {
  console.error('usage: node tools/bench/profile-summary.mjs <file.cpuprofile> [--top N] [--filter text]');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);

let window = [-Infinity, Infinity];
if (phase) {
  const pid = /CPU\.\d+\.\d+\.(\d+)\.[^/]*\.cpuprofile$/.exec(file)?.[1]; // CPU.<date>.<time>.<pid>.<tid>.<seq>
  const phasesFile = join(dirname(file), `phases-${pid}.json`);
  if (!existsSync(phasesFile)) throw new Error(`--phase needs ${phasesFile} (written by npm run bench -- --profile)`);
  const found = JSON.parse(readFileSync(phasesFile, 'utf8')).find((p) => p.phase === phase);
  if (!found) throw new Error(`no phase ${phase} in ${phasesFile}`);
  window = [found.from_s * 1e6, found.to_s * 1e6];
  console.log(`phase ${phase}: ${found.from_s} s to ${found.to_s} s after the process started`);
}

const selfByNode = new Map();
let total = 0;
let at = 0; // microseconds since the profile started
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  if (at < window[0] || at > window[1]) return;
  total += dt;
  selfByNode.set(id, (selfByNode.get(id) ?? 0) + dt);
});

const where = (cf) => {
  const url = cf.url.replace(/^file:\/\//, '');
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const lib = /dist\/(libs\/.*?\/src|apps\/[^/]+)\//.exec(url);
  if (lib) return lib[1].replace(/\/src$/, '');
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native/V8)';
  return url.split('/').slice(-2).join('/');
};
const keyOf = (cf) => `${cf.functionName || '(anonymous)'}  ${where(cf)}${cf.url ? ':' + (cf.lineNumber + 1) : ''}`;

/** The nearest frame of our own code on a node's stack, as `lib/file.js`; else its package or `(idle)`, `(gc)`... */
const ownFileOf = (id) => {
  let nearest;
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const url = nodes.get(at).callFrame.url;
    const own = /dist\/(libs\/.*?|apps\/[^/]+)\/src\/(.*)$/.exec(url);
    if (!own) continue;
    const name = `${own[1]}/${own[2]}`;
    if (!through.some((prefix) => name.startsWith(prefix))) return nearest ? `${name} (through ${nearest.split('/').slice(0, 2).join('/')})` : name;
    nearest ??= name;
  }
  return nearest ? `${nearest} (no caller on the stack)` : `(no own code) ${where(nodes.get(id).callFrame)}`;
};
const byOwnFile = new Map();

const byPackage = new Map();
const selfByFunction = new Map();
const inclusiveByFunction = new Map();
for (const [id, self] of selfByNode) {
  const cf = nodes.get(id).callFrame;
  byPackage.set(where(cf), (byPackage.get(where(cf)) ?? 0) + self);
  if (byFile) byOwnFile.set(ownFileOf(id), (byOwnFile.get(ownFileOf(id)) ?? 0) + self);
  selfByFunction.set(keyOf(cf), (selfByFunction.get(keyOf(cf)) ?? 0) + self);
  // inclusive: every distinct function on this node's stack gets the node's self time
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const key = keyOf(nodes.get(at).callFrame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusiveByFunction.set(key, (inclusiveByFunction.get(key) ?? 0) + self);
  }
}

const idle = (selfByFunction.get('(idle)  (idle)') ?? 0) + (selfByFunction.get('(program)  (program)') ?? 0);
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
const ms = (us) => `${Math.round(us / 1000)} ms`.padStart(9);
const print = (title, map, n) => {
  console.log(`\n${title}`);
  [...map.entries()]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .forEach(([k, v]) => console.log(`${pct(v)} ${ms(v)}  ${k}`));
};

console.log(`${file}: ${Math.round(total / 1000)} ms sampled, ${pct(selfByFunction.get('(idle)  (idle)') ?? 0)} idle, ${pct(selfByFunction.get('(garbage collector)  (garbage collector)') ?? 0)} GC, busy ${Math.round((total - idle) / 1000)} ms`);
print('self time by package / library', byPackage, 25);
print(`top ${top} functions by self time`, selfByFunction, top);
print(`top ${top} functions by inclusive time`, inclusiveByFunction, top);
if (byFile && !stagesWanted) print(`top ${top} files of our own code, with the library and runtime time they called (nearest own frame on the stack)`, byOwnFile, top);

/** --stages: the first group whose pattern matches a sample's nearest own file (or package) takes its time. */
const STAGES = [
  ['subscriptions: page reads after appends (every subscription)', /sqlite-event-store\.js \(no caller|live-subscription/],
  ['webhooks worker: lease and outcome appends, signing, the POST', /delivery-worker|wix-jwt|http-sender|webhooks\/domain\/delivery|_http_client|_http_outgoing|signing-keys/],
  ['webhooks dispatcher: the delivery scheduled', /webhooks\/application\/dispatcher|delivery-scheduler|subscription-directory/],
  ['webhooks deliveries read model', /deliveries-read-model/],
  ['in-process broker: JSON round trips (requests and relayed events)', /in-process-broker/],
  ['relay and feed: public events built, published, stored', /webhooks\/application\/(stream-decisions|feed)|contact-public-events|event-relay|contracts\/public-events|stream-state-cache/],
  ['contacts projection (read your writes)', /contacts-projection/],
  ['requests: HTTP, Nest, validation, the commands (claims, appends)', /contacts\/|gateway\/|labels\/|extended-fields\/|webhooks\/|class-|fastify|nestjs|rxjs|_http_server|_http_common|_http_incoming|find-my-way|in-process-transport|contracts\/|secure-json|libphonenumber|mingo|sorted-btree/],
  ['garbage collector', /garbage/],
  ['idle', /\(idle\)/],
  ['V8, program and the rest', /./],
];
if (stagesWanted) {
  const byStage = new Map(STAGES.map(([name]) => [name, 0]));
  for (const [file, us] of byOwnFile) {
    const [name] = STAGES.find(([, pattern]) => pattern.test(file));
    byStage.set(name, byStage.get(name) + us);
  }
  console.log('\nby stage (nearest own file, through the event store, read store, broker and projection runner)');
  for (const [name, us] of byStage) console.log(`${pct(us)} ${ms(us)}  ${name}`);
}
