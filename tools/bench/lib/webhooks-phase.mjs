// The webhooks phase (issue 11): one subscription for contact_created and contact_updated
// pointed at a receiver on loopback (tools/bench/webhook-receiver.mjs, its own process), then the
// create phase's load again (same autocannon settings, unique emails) with the subscription on.
// Each delivery's lag is the receiver's clock when the POST's body ended minus the event's
// eventTime (the stored event's occurredAt, which is also the contact's createdDate); both clocks
// are this machine's. The backlog is sampled through the phase, at its end and a few seconds
// later: the subscription's PENDING deliveries (what the API shows), and the contacts created
// but not yet delivered (the whole pipeline: relay, feed, dispatcher, worker, POST).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApiClient } from './client.mjs';
import { IDLE_LIMIT_S, waitUntilIdle } from './idle.mjs';
import { sleep } from './processes.mjs';
import { threadCores, threadTicks } from './rss.mjs';
import { percentile, round2 } from './stats.mjs';

export const WEBHOOK_EVENT_TYPES = ['wix.contacts.v4.contact_created', 'wix.contacts.v4.contact_updated'];
const CREATED = WEBHOOK_EVENT_TYPES[0];
/** Backlog samples during the load, one a second (a count of the subscription's pending deliveries and an IPC call). */
const SAMPLE_EVERY_MS = 1_000;
/** The "few seconds later" look at the backlog. */
export const SETTLE_S = 3;
/** After that, how long to wait for the last deliveries before giving up (reported as not drained). */
const DRAIN_LIMIT_S = 60;

/**
 * `runLoad()` runs the load phase (the create phase's request) and resolves with its autocannon
 * summary; `appPid` is the app's process, watched until it is idle before the subscription is made.
 * `timed(name, work)` records the windows webhooks_before (waiting for the app to be idle),
 * webhooks_load and webhooks_after (the few seconds after the load), to cut a CPU profile by.
 * `eventLoop` (lib/event-loop.mjs, optional) reads the app's event-loop delay from the first
 * backlog sample (the load running) to the end of the load: how long the loop's turns are then.
 */
export async function runWebhooksPhase({ baseUrl, headers, appPid, eventLoop, benchDir, forked, rss, timed, log, runLoad }) {
  const client = new ApiClient(baseUrl, { ...headers, 'content-type': 'application/json' }, 4);
  const receiver = await startReceiver(benchDir, forked, rss);
  let subscriptionId;
  try {
    // The events of the phases before (the create phase's) may still be on their way through the
    // relay, the feed and the dispatcher: wait until the app is idle, so that none of them is
    // dispatched to the new subscription (one that is anyway is counted apart, not in the lag).
    const quiet = await timed('webhooks_before', () => waitUntilIdle(appPid));
    log(`  app idle ${quiet.seconds} s after the phase before${quiet.idle ? '' : ` (not idle after ${IDLE_LIMIT_S} s: going on)`}`);
    const contactsBefore = await contactCount(client);
    const subscribedAt = Date.now();
    const { subscription } = await client.ok('POST', '/webhooks/v1/subscriptions', { subscription: { url: receiver.url, eventTypes: WEBHOOK_EVENT_TYPES, format: 'WIX_JWT' } });
    subscriptionId = subscription.id;
    log(`  subscription ${subscriptionId} (${subscription.format ?? 'WIX_JWT'}) → ${receiver.url}, for ${WEBHOOK_EVENT_TYPES.join(' and ')}`);

    const pendingPath = `/webhooks/v1/subscriptions/${subscriptionId}/deliveries?status=PENDING&paging.limit=1`;
    const look = async () => {
      const started = performance.now();
      const page = await client.ok('GET', pendingPath);
      const ms = performance.now() - started;
      const { count } = await receiver.ask('count', subscribedAt);
      return { pending: page.pagingMetadata.total, delivered: count, pending_query_ms: round2(ms) };
    };

    // Backlog through the load, one sample a second.
    const loadStart = performance.now();
    const samples = [];
    let sampling = true;
    let loopWindow = false;
    const sampler = (async () => {
      while (sampling) {
        await sleep(SAMPLE_EVERY_MS);
        if (!sampling) break;
        const at = performance.now();
        if (!loopWindow && eventLoop) loopWindow = (await eventLoop.next(10_000), true);
        samples.push({ t_s: round2((at - loadStart) / 1000), ...(await look()) });
      }
    })();
    let load;
    const ticksAtStart = threadTicks(appPid);
    try {
      load = await timed('webhooks_load', runLoad);
    } finally {
      sampling = false;
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const appThreads = threadCores(appPid, ticksAtStart, threadTicks(appPid), loadSeconds);

    // At the end of the load (at once: the backlog drains fast once the creates stop), then every
    // 250 ms: when everything created has been delivered, and how it stands SETTLE_S later.
    const endedAt = performance.now();
    const since = () => (performance.now() - endedAt) / 1000;
    const lookWithCount = async () => {
      const started = performance.now();
      const [count, now] = await Promise.all([contactCount(client).then((n) => [n, performance.now() - started]), look()]);
      return { ...now, created: count[0] - contactsBefore, count_query_ms: round2(count[1]), look_ms: round2(performance.now() - started) };
    };
    const [atEnd, loopDuringLoad] = await Promise.all([lookWithCount(), loopWindow ? eventLoop.next(10_000) : null]);
    const isDrained = (now) => now.pending === 0 && now.delivered >= now.created;
    let drained = isDrained(atEnd) ? since() : null;
    const afterWindow = { from: Date.now(), to: 0 };
    const later = await timed('webhooks_after', async () => {
      afterWindow.from = Date.now();
      for (;;) {
        await sleep(250);
        const now = await lookWithCount();
        if (drained === null && isDrained(now)) drained = since();
        if (since() >= SETTLE_S) {
          afterWindow.to = Date.now();
          return now;
        }
      }
    });
    // Past that, until everything is delivered (a slow drain told from a stuck one).
    while (drained === null && since() < SETTLE_S + DRAIN_LIMIT_S) {
      await sleep(250);
      if (isDrained(await lookWithCount())) drained = since();
    }
    await sampler.catch(() => {}); // it stopped at its next wake-up

    const report = await receiver.ask('report');
    const createdTotal = later.created;
    const ours = report.received.filter(([type, , , eventTime]) => type === CREATED && eventTime >= subscribedAt);
    const earlier = report.received.filter(([type, , , eventTime]) => type === CREATED && eventTime < subscribedAt).length;
    const others = report.received.filter(([type]) => type !== CREATED).length;
    const firstByEntity = new Map();
    for (const r of ours) if (!firstByEntity.has(r[2])) firstByEntity.set(r[2], r);
    const lags = [...firstByEntity.values()].map(([, , , eventTime, receivedAt]) => receivedAt - eventTime);
    const undelivered = (look) => Math.max(0, look.created - look.delivered);
    // Rates between the first and the last commit of the phase (the fork and the warm-up's start left out).
    const commits = ours.map(([, , , eventTime]) => eventTime);
    const [firstCommit, lastCommit] = [Math.min(...commits), Math.max(...commits)];
    const commitSpanS = Math.max(0.001, (lastCommit - firstCommit) / 1000);
    const createdPerS = ours.length > 1 ? firstByEntity.size / commitSpanS : 0;

    const stages = await deliveryStages(client, subscriptionId, ours);
    const result = {
      subscription: { id: subscriptionId, event_types: WEBHOOK_EVENT_TYPES, format: 'WIX_JWT' },
      receiver: 'node:http on 127.0.0.1 in a separate process; JWT payload decoded without verifying',
      load,
      load_s: round2(loadSeconds),
      created: createdTotal,
      // between the phase's first and last commit
      created_per_s: Math.round(createdPerS),
      delivered: firstByEntity.size,
      // deliveries that came in over the same span, whenever their contact was created
      delivered_per_s_while_creating: Math.round(countBetween(ours, firstCommit, lastCommit) / commitSpanS),
      duplicates: ours.length - firstByEntity.size,
      delivered_before_subscription: earlier,
      other_event_types: others,
      undecodable: report.undecodable,
      lag_ms: lags.length === 0 ? null : { samples: lags.length, p50: percentile(lags, 50), p95: percentile(lags, 95), p99: percentile(lags, 99), max: Math.max(...lags), mean: round2(lags.reduce((a, b) => a + b, 0) / lags.length) },
      stages_ms: stages,
      app_idle_before_s: quiet.seconds,
      // cores of the app's threads while the load ran: main, the busiest other (the webhooks worker), the rest (libuv, GC helpers)
      app_thread_cores_during_load: appThreads,
      // the app's event-loop delay while the load ran (1 ms timer; under load about one tick a turn)
      event_loop_during_load: loopDuringLoad && { ...loopDuringLoad, turns_per_s: loopDuringLoad.window_ms ? Math.round((loopDuringLoad.ticks / loopDuringLoad.window_ms) * 1000) : null },
      backlog: {
        samples,
        at_end: { ...atEnd, undelivered: undelivered(atEnd) },
        later_s: SETTLE_S,
        later: { ...later, undelivered: undelivered(later) },
        // one second of creates at the phase's rate: a backlog bigger than that at the end has grown
        end_limit: Math.max(1, Math.round(load?.rps ?? createdPerS)),
        drained_after_s: drained === null ? null : round2(drained),
        // deliveries the receiver got within the profile window webhooks_after (creates over): a delivery's cost alone
        after_window: { seconds: round2((afterWindow.to - afterWindow.from) / 1000), delivered: countBetween(report.received, afterWindow.from, afterWindow.to) },
      },
    };
    const { at_end: end, later: after, end_limit: limit } = result.backlog;
    result.backlog.keeps_up = end.undelivered <= limit && end.pending <= limit && after.undelivered === 0 && after.pending === 0;
    const lag = result.lag_ms;
    log(
      `  delivered ${result.delivered} of ${createdTotal} created (${result.duplicates} twice, ${earlier} from before the subscription) · while creating: ${result.created_per_s} created/s, ${result.delivered_per_s_while_creating} delivered/s · lag p50 ${lag?.p50 ?? '—'} ms · p95 ${lag?.p95 ?? '—'} ms · p99 ${lag?.p99 ?? '—'} ms · max ${lag?.max ?? '—'} ms`,
    );
    log(
      `  backlog: at the end ${atEnd.pending} pending, ${undelivered(atEnd)} not yet delivered; ${SETTLE_S} s later ${later.pending} pending, ${undelivered(later)} not yet delivered` +
        `; ${drained === null ? `not all delivered ${SETTLE_S + DRAIN_LIMIT_S} s after the end` : `all delivered ${round2(drained)} s after the end`}`,
    );
    log(`  app's threads during the load: main ${appThreads.main} cores, busiest other (webhooks worker) ${appThreads.busiest_other}, the rest ${appThreads.rest}`);
    if (loopDuringLoad?.ticks) log(`  app's event loop during the load: ${result.event_loop_during_load.turns_per_s} turns/s, delay p50 ${loopDuringLoad.p50_ms} ms, p99 ${loopDuringLoad.p99_ms} ms, max ${loopDuringLoad.max_ms} ms`);
    if (stages) log(`  stages (p50 / p99): commit → scheduled ${stages.commit_to_scheduled.p50} / ${stages.commit_to_scheduled.p99} ms · scheduled → received ${stages.scheduled_to_received.p50} / ${stages.scheduled_to_received.p99} ms`);
    return result;
  } finally {
    if (subscriptionId) await client.request('DELETE', `/webhooks/v1/subscriptions/${subscriptionId}`).catch(() => {});
    await receiver.stop();
    client.close();
  }
}


async function contactCount(client) {
  const page = await client.ok('POST', '/contacts/v4/contacts/query', { query: { paging: { limit: 1 }, fieldsets: ['BASIC'] } });
  return page.pagingMetadata.total;
}

function countBetween(received, from, to) {
  return received.filter(([, , , , receivedAt]) => receivedAt >= from && receivedAt <= to).length;
}

/**
 * Where a delivery's time went, from the deliveries API joined with the receiver's record by
 * event id: commit (eventTime) → scheduled (the delivery's createdDate: the contacts relay, the
 * feed's append, the dispatcher and the delivery's first append) → received (the worker's queue,
 * the lease append, signing and the POST).
 */
async function deliveryStages(client, subscriptionId, received) {
  const byEvent = new Map(received.map(([, eventId, , eventTime, receivedAt]) => [eventId, { eventTime, receivedAt }]));
  const toScheduled = [];
  const toReceived = [];
  const receivedToRecorded = [];
  for (let offset = 0; offset < 1_000_000; offset += 1000) {
    const page = await client.ok('GET', `/webhooks/v1/subscriptions/${subscriptionId}/deliveries?status=DELIVERED&paging.limit=1000&paging.offset=${offset}`);
    for (const d of page.deliveries) {
      const r = byEvent.get(d.eventId);
      if (!r) continue;
      const scheduled = Date.parse(d.createdDate);
      toScheduled.push(scheduled - r.eventTime);
      toReceived.push(r.receivedAt - scheduled);
      if (d.deliveredDate) receivedToRecorded.push(Date.parse(d.deliveredDate) - r.receivedAt);
    }
    if (page.deliveries.length < 1000) break;
  }
  if (toScheduled.length === 0) return null;
  const stats = (values) => ({ p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) });
  return { samples: toScheduled.length, commit_to_scheduled: stats(toScheduled), scheduled_to_received: stats(toReceived), received_to_recorded: receivedToRecorded.length ? stats(receivedToRecorded) : null };
}

/** Forks the receiver; resolves once it listens, with { url, ask(cmd), stop() }. */
function startReceiver(benchDir, forked, rss) {
  const child = fork(join(benchDir, 'webhook-receiver.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  forked.add(child);
  rss.track('receiver', child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then(() => {
    forked.delete(child);
    rss.untrack('receiver');
  });
  let nextId = 0;
  const waiting = new Map();
  return new Promise((resolve, reject) => {
    exited.then((code) => reject(new Error(`the webhook receiver exited with ${code} before listening`)));
    child.on('message', (message) => {
      if (message.ready) {
        resolve({
          url: message.url,
          ask: (cmd, since) =>
            new Promise((answer, fail) => {
              const id = nextId++;
              waiting.set(id, answer);
              exited.then((code) => fail(new Error(`the webhook receiver exited with ${code}`)));
              child.send({ cmd, id, since });
            }),
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.send({ cmd: 'stop' });
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(timer);
          },
        });
        return;
      }
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    });
  });
}
