// Issue 12: importing email statuses through Bulk Upsert, as an email tool's first sync does.
// Every seeded contact's main address gets a status (100 per request, a few requests in flight),
// so each status also rewrites that contact's view; then the facets must count them.
import { pool } from './client.mjs';
import { contactInfo } from './data.mjs';
import { percentile, round2 } from './stats.mjs';

/** What each address gets, in turn: opt-outs and bounces are what an email tool pushes back. */
const STATUSES = [
  { subscriptionStatus: 'UNSUBSCRIBED' },
  { subscriptionStatus: 'SUBSCRIBED', deliverabilityStatus: 'VALID' },
  { deliverabilityStatus: 'BOUNCED' },
  { subscriptionStatus: 'SUBSCRIBED' },
];
const BATCH = 100;
const IN_FLIGHT = 4;

/**
 * Upserts a status for the main address of each seeded contact (`ids[i]`: the contact seeded from
 * `contactInfo(i)`, absent if its create failed) in batches of 100 and reports statuses/s and the
 * batches' latency; then checks that List Facets counts every contact given UNSUBSCRIBED.
 */
export async function runSubscriptionsPhase({ client, ids, labelKeys, fieldKeys, log }) {
  const count = ids.length;
  log(`\n== email subscriptions: ${count.toLocaleString('en')} statuses through Bulk Upsert (${BATCH} per request, ${IN_FLIGHT} in flight), each on a seeded contact's address`);
  const batches = Math.ceil(count / BATCH);
  const latencies = [];
  let failed = 0;
  const t = performance.now();
  await pool(batches, IN_FLIGHT, async (b) => {
    const subscriptions = [];
    for (let i = b * BATCH; i < Math.min(count, (b + 1) * BATCH); i++) {
      subscriptions.push({ email: contactInfo(i, labelKeys, fieldKeys).emails.items[0].email, ...STATUSES[i % STATUSES.length] });
    }
    const start = performance.now();
    const answer = await client.ok('POST', '/email-marketing/v1/email-subscriptions/bulk', { subscriptions });
    latencies.push(performance.now() - start);
    failed += answer.metadata.totalFailure;
  });
  const seconds = (performance.now() - t) / 1000;
  const perSecond = Math.round(count / seconds);
  const unsubscribedWritten = ids.filter((id, i) => id && STATUSES[i % STATUSES.length].subscriptionStatus === 'UNSUBSCRIBED').length;
  const facets = await client.ok('GET', '/contacts/v4/contacts/facets');
  const counted = facets.facets.find((f) => f.facetType === 'SUBSCRIPTION_STATUS' && f.facetKey === 'UNSUBSCRIBED')?.count ?? 0;
  log(`  ${perSecond} statuses/s (${round2(seconds)} s; batch p50 ${round2(percentile(latencies, 50))} ms, p99 ${round2(percentile(latencies, 99))} ms; ${failed} items failed); facets count ${counted} UNSUBSCRIBED of ${unsubscribedWritten} written`);
  if (failed > 0) throw new Error(`${failed} statuses failed to upsert`);
  if (counted !== unsubscribedWritten) throw new Error(`the facets count ${counted} UNSUBSCRIBED contacts, ${unsubscribedWritten} were written`);
  return {
    statuses: count,
    seconds: round2(seconds),
    per_s: perSecond,
    batch_ms: { p50: round2(percentile(latencies, 50)), p99: round2(percentile(latencies, 99)) },
    unsubscribed_counted: counted,
  };
}
