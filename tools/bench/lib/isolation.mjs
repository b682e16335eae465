// The two phases of issue 10 that measure how well tenants are shielded from each other's heavy
// requests: `abusive` (lib/abusive.mjs) and `bulk` (lib/bulk-phase.mjs). A bystander process
// queries all along; its latencies are cut per window once it stops.
import { ABUSIVE_SHAPES, MAX_EVENT_LOOP_MS, refused, runAbusivePhase } from './abusive.mjs';
import { BULK_IDLE_MARKS, BULK_JOB_MARKS, runBulkJobPhase } from './bulk-phase.mjs';
import { startBystander, windowStats } from './bystander.mjs';
import { ApiClient } from './client.mjs';
import { round2 } from './stats.mjs';

export const ISOLATION_PHASES = ['abusive', 'bulk'];
const THROWAWAY_CONTACTS = 20;

/**
 * `headers(site)` gives a site's API headers; `throwawaySite` is granted by the bench key but not
 * seeded. Resolves with { abusive, bulk_job } (null for a phase not asked for).
 */
export async function runIsolationPhases({ phases, baseUrl, headers, throwawaySite, labelKeys, createdDates, eventLoop, benchDir, forked, rss, timed, log, idleSeconds }) {
  const json = (site) => ({ ...headers(site), 'content-type': 'application/json' });
  // Its own connections: the abusive requests must not queue behind the bench's other calls.
  const client = new ApiClient(baseUrl, json(), 4);
  const throwaway = new ApiClient(baseUrl, json(throwawaySite), 4);
  const bystander = startBystander({ benchDir, forked, rss, url: baseUrl, headers: headers(), labelKeys });
  let abusive = null;
  let bulk = null;
  try {
    if (phases.includes('abusive')) {
      rss.setPhase('abusive');
      log(`\n== abusive requests, one at a time, while a bystander queries every 10 ms (client timeout 70 s; each must be a 4xx with the event loop held ≤ ${MAX_EVENT_LOOP_MS} ms)`);
      for (let i = 0; i < THROWAWAY_CONTACTS; i++) {
        await throwaway.ok('POST', '/contacts/v4/contacts', { info: { name: { first: 'Throwaway', last: `${i}` }, emails: { items: [{ email: `throwaway.${i}@bench.example` }] } } });
      }
      abusive = await timed('abusive', () => runAbusivePhase({ client, throwaway, eventLoop, bystander, log }));
    }
    if (phases.includes('bulk')) {
      rss.setPhase('bulk');
      log(`\n== bulk job: the bystander's query p99 idle (${idleSeconds} s), then during a bulk job that labels 10,000 contacts`);
      bulk = await timed('bulk', () => runBulkJobPhase({ client, eventLoop, bystander, createdDates, idleSeconds, log }));
    }
  } finally {
    const probes = await bystander.stop().catch((error) => (log(`bystander: ${error.message}`), null));
    client.close();
    throwaway.close();
    if (probes) attachBystander(abusive, bulk, probes);
  }
  if (abusive) log(`  bystander's worst wait during an abusive request: ${Math.max(...abusive.map((r) => r.bystander?.max_ms ?? 0))} ms`);
  if (bulk) log(`  bystander's query p99: idle ${bulk.query_idle?.p99_ms ?? '—'} ms, during the job ${bulk.query_during_job?.p99_ms ?? '—'} ms (ratio ${bulk.query_p99_ratio ?? '—'})`);
  return { abusive: abusive && summarizeAbusive(abusive), bulk_job: bulk };
}

function attachBystander(abusive, bulk, probes) {
  for (const r of abusive ?? []) r.bystander = windowStats(probes, `${r.name}:start`, `${r.name}:end`);
  if (bulk) {
    bulk.query_idle = windowStats(probes, ...BULK_IDLE_MARKS);
    bulk.query_during_job = windowStats(probes, ...BULK_JOB_MARKS);
    const [idle, during] = [bulk.query_idle?.p99_ms, bulk.query_during_job?.p99_ms];
    bulk.query_p99_ratio = idle > 0 && during !== undefined ? round2(during / idle) : null;
  }
}

function summarizeAbusive(requests) {
  const loops = requests.map((r) => r.event_loop?.max_ms ?? null);
  const unread = requests.filter((r) => !r.event_loop).map((r) => r.name);
  const worst = requests.reduce((a, b) => ((b.event_loop?.max_ms ?? -1) > (a.event_loop?.max_ms ?? -1) ? b : a));
  return {
    shapes: ABUSIVE_SHAPES.length + 1,
    refused: requests.filter(refused).length,
    not_refused: requests.filter((r) => !refused(r)).map((r) => `${r.name}: ${r.status}${r.deleted ? `, ${r.deleted} deleted` : ''}`),
    // unread: the app did not answer the signal in time, which is a block longer than any figure
    max_event_loop_ms: unread.length > 0 ? null : Math.max(...loops),
    worst_event_loop: unread.length > 0 ? unread.join(', ') : worst.name,
    over_limit: requests.filter((r) => !r.event_loop || r.event_loop.max_ms > MAX_EVENT_LOOP_MS).map((r) => r.name),
    requests,
  };
}
