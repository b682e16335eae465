// The bulk-job phase (issue 10, "long work yields to the event loop"): the bystander's query p99
// while the app is idle, then while a bulk job adds a label to 10,000 contacts, and the app's
// event-loop delay in both windows. The bystander's figures are cut from its samples afterwards
// (windowStats over the marks set here).
import { performance } from 'node:perf_hooks';
import { waitForJob } from './abusive.mjs';
import { sleep } from './processes.mjs';
import { round2 } from './stats.mjs';

export const BULK_JOB_CONTACTS = 10_000;
export const BULK_IDLE_MARKS = ['bulk_idle:start', 'bulk_idle:end'];
export const BULK_JOB_MARKS = ['bulk_job:start', 'bulk_job:end'];

/**
 * `createdDates` are the seeded contacts' creation dates: the job's filter is `createdDate $lte`
 * the 10,000th oldest, so it matches the 10,000 oldest contacts whatever the site's size.
 */
export async function runBulkJobPhase({ client, eventLoop, bystander, createdDates, idleSeconds, log, jobTimeoutMs = 180_000 }) {
  const { label } = await client.ok('POST', '/contacts/v4/labels', { displayName: 'Bench bulk job' });
  const sorted = [...createdDates].sort();
  const cutoff = sorted[Math.min(BULK_JOB_CONTACTS, sorted.length) - 1];
  const filter = { createdDate: { $lte: cutoff } };
  const matching = (await client.ok('POST', '/contacts/v4/contacts/query', { query: { filter, paging: { limit: 1 }, fieldsets: ['BASIC'] } })).pagingMetadata.total;
  log(`  the job's filter: createdDate $lte ${cutoff} (${matching.toLocaleString('en')} contacts)`);

  await eventLoop.next(10_000);
  bystander.mark(BULK_IDLE_MARKS[0]);
  await sleep(idleSeconds * 1000);
  bystander.mark(BULK_IDLE_MARKS[1]);
  const idleEventLoop = await eventLoop.next(10_000);

  bystander.mark(BULK_JOB_MARKS[0]);
  const start = performance.now();
  const { jobId } = await client.ok('POST', '/contacts/v4/bulk/contacts/add-remove-labels', { filter, labelKeysToAdd: [label.key] });
  const job = await waitForJob(client, jobId, jobTimeoutMs, 50);
  const observedMs = performance.now() - start;
  bystander.mark(BULK_JOB_MARKS[1]);
  // The job may still run after a timeout: give the signal up to a minute to be answered.
  const jobEventLoop = await eventLoop.next(job.timed_out ? 60_000 : 10_000);

  const serverSeconds = job.startedDate && job.finishedDate ? (Date.parse(job.finishedDate) - Date.parse(job.startedDate)) / 1000 : null;
  const result = {
    label: label.key,
    filter,
    matching_contacts: matching,
    job: { id: jobId, status: job.status, timed_out: job.timed_out, totalItems: job.totalItems, successTotal: job.successTotal, failedTotal: job.failedTotal, startedDate: job.startedDate, finishedDate: job.finishedDate },
    // From the POST to the poll that saw it COMPLETED (polled every 50 ms)
    observed_s: round2(observedMs / 1000),
    // From the job's startedDate to its finishedDate
    server_s: serverSeconds,
    contacts_per_s: job.timed_out ? null : Math.round((job.successTotal ?? 0) / (serverSeconds || observedMs / 1000)),
    idle_s: idleSeconds,
    event_loop_idle: idleEventLoop,
    event_loop_during_job: jobEventLoop,
  };
  const state = job.timed_out ? `not COMPLETED after ${jobTimeoutMs / 1000} s (status ${job.status}, ${job.successTotal ?? 0} done)` : `COMPLETED: ${job.successTotal} changed, ${job.failedTotal} failed`;
  log(`  bulk job ${state} in ${result.observed_s} s (server ${serverSeconds ?? '—'} s, ${result.contacts_per_s ?? '—'} contacts/s)`);
  log(`  event loop max: idle ${idleEventLoop?.max_ms ?? '—'} ms, during the job ${jobEventLoop?.max_ms ?? '— (not read)'} ms`);
  return result;
}
