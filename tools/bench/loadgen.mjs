// The load generator: a separate process (forked by bench.mjs) that drives one phase with
// autocannon and sends back a summary. It receives the phase over IPC:
//   { phase, url, headers, connections, duration, warmup, ids, labelKeys, fieldKeys, createBase, createTag, paceRate }
// With paceRate (the webhooks phase's --webhook-rate), requests go out evenly spaced at that rate
// whatever the answers (an open loop over `connections` keep-alive sockets) instead: autocannon's
// own rate option sends each second's budget at once, and bursts would count as lag.
import autocannon from 'autocannon';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { contactInfo, FIRST_NAMES, LAST_NAMES } from './lib/data.mjs';

const CONTACTS = '/contacts/v4/contacts';

process.once('message', async (job) => {
  try {
    if (job.phase === 'create_shared') {
      const summary = await sharedIdentities(job);
      process.send({ ok: true, summary }, () => process.exit(0));
      return;
    }
    if (job.paceRate > 0) {
      const summary = await paced(job);
      process.send({ ok: true, summary }, () => process.exit(0));
      return;
    }
    const result = await autocannon({
      url: job.url,
      connections: job.connections,
      duration: job.duration,
      headers: job.headers,
      ...(job.warmup > 0 && { warmup: { connections: job.connections, duration: job.warmup } }),
      requests: [withJsonBody(requestFor(job), job.headers)],
    });
    process.send({ ok: true, summary: summarize(result) }, () => process.exit(0));
  } catch (error) {
    process.send({ ok: false, error: error?.stack ?? String(error) }, () => process.exit(1));
  }
});

/** Requests that carry a body say it is JSON; the others send only the common headers. */
function withJsonBody(request, headers) {
  if (request.method !== 'POST') return request;
  return { ...request, headers: { ...headers, 'content-type': 'application/json' } };
}

const randomOf = (list) => list[Math.floor(Math.random() * list.length)];

/** Query Contacts with a fresh filter per request, newest first, one page of 50. */
function newestFirstQuery(filter) {
  return {
    method: 'POST',
    path: `${CONTACTS}/query`,
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({ query: { filter: filter(), sort: [{ fieldName: 'createdDate', order: 'DESC' }], paging: { limit: 50 } } }),
    }),
  };
}

/** The request of a phase; setupRequest varies it per request (unique emails, random ids). */
function requestFor(job) {
  // A yardstick's phase names the product phase whose request it sends (`request`).
  switch (job.request ?? job.phase) {
    case 'hello':
    case 'nest_hello':
      return { method: 'GET', path: '/' };
    case 'create':
    case 'webhooks': { // the webhooks phase drives the create phase's request, with a subscription on
      let next = job.createBase;
      return {
        method: 'POST',
        path: CONTACTS,
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ info: contactInfo(next++, job.labelKeys, job.fieldKeys, job.createTag ?? 'c') }) }),
      };
    }
    case 'get':
      return { method: 'GET', path: CONTACTS, setupRequest: (request) => ({ ...request, path: `${CONTACTS}/${randomOf(job.ids)}` }) };
    case 'query': // info.labelKeys $hasSome one label, newest first, one page of 50
      return newestFirstQuery(() => ({ 'info.labelKeys': { $hasSome: [randomOf(job.labelKeys)] } }));
    case 'query_prefix': // info.name.first $startsWith two letters, newest first, one page of 50
      return newestFirstQuery(() => ({ 'info.name.first': { $startsWith: randomOf(FIRST_NAMES).slice(0, 2) } }));
    case 'query_search': // search: a first name and the start of a last name, as typed, newest first, one page of 50
      return {
        method: 'POST',
        path: `${CONTACTS}/query`,
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ search: `${randomOf(FIRST_NAMES)} ${randomOf(LAST_NAMES).slice(0, 4)}`, query: { paging: { limit: 50 } } }) }),
      };
    case 'label':
      return {
        method: 'POST',
        path: CONTACTS,
        setupRequest: (request) => ({
          ...request,
          path: `${CONTACTS}/${randomOf(job.ids)}/labels`,
          body: JSON.stringify({ labelKeys: [randomOf(job.labelKeys)] }),
        }),
      };
    default:
      throw new Error(`unknown phase ${job.phase}`);
  }
}

function summarize(result) {
  const ok = result['2xx'] ?? 0;
  return {
    title: result.title,
    duration_s: result.duration,
    connections: result.connections,
    requests_total: result.requests.total,
    ok_2xx: ok,
    non_2xx: result.non2xx ?? 0,
    errors: result.errors ?? 0,
    timeouts: result.timeouts ?? 0,
    // Successful responses per second over the whole measured window.
    rps: Math.round((ok / result.duration) * 10) / 10,
    rps_avg_autocannon: result.requests.average,
    latency_ms: {
      mean: result.latency.average,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    status_codes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count])),
  };
}

/**
 * A fixed number of creates that all carry the same phone and the same email (with
 * allowDuplicates), with the count of successes per wall-clock second from the start: whether
 * the identity check slows down as the contacts sharing them grow (issue 13). No warm-up, so
 * the first second is the first contacts.
 */
async function sharedIdentities(job) {
  const perSecond = [];
  let next = job.createBase;
  const started = performance.now();
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    amount: job.amount,
    headers: job.headers,
    requests: [
      withJsonBody(
        {
          method: 'POST',
          path: CONTACTS,
          setupRequest: (request) => {
            const n = next++;
            const info = { name: { first: 'Member', last: `Household ${n}` }, emails: { items: [{ email: 'household@shared.example' }] }, phones: { items: [{ phone: '+1 415 555 0100' }] } };
            return { ...request, body: JSON.stringify({ info, allowDuplicates: true }) };
          },
          onResponse: (status) => {
            if (status < 200 || status >= 300) return;
            const second = Math.floor((performance.now() - started) / 1000);
            perSecond[second] = (perSecond[second] ?? 0) + 1;
          },
        },
        job.headers,
      ),
    ],
  });
  const seconds = Array.from(perSecond, (count) => count ?? 0);
  // The last second is cut short when the amount runs out: the last full one is the one before it.
  const full = seconds.length > 1 ? seconds.slice(0, -1) : seconds;
  return { ...summarize(result), per_second: seconds, first_second_rps: full[0] ?? 0, last_full_second_rps: full[full.length - 1] ?? 0, slowest_second_rps: Math.min(...full) };
}

/** Open loop: one request every 1/paceRate s through at most `connections` sockets (more wait for a socket), warm-up first. */
async function paced(job) {
  const request = withJsonBody(requestFor(job), job.headers);
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const send = (record) =>
    new Promise((resolve) => {
      const r = request.setupRequest ? request.setupRequest({ ...request }) : request;
      const body = r.body ?? '';
      const start = performance.now();
      const req = http.request(
        { host: target.hostname, port: target.port, method: r.method, path: r.path, agent, headers: { ...r.headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            record?.(res.statusCode, performance.now() - start);
            resolve();
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', (error) => {
        record?.(error.message === 'timeout' ? 'timeout' : 'error', performance.now() - start);
        resolve();
      });
      req.end(body);
    });
  const run = async (seconds, record) => {
    const interval = 1000 / job.paceRate;
    const start = performance.now();
    const inFlight = [];
    for (let n = 0; n * interval < seconds * 1000; n++) {
      const wait = start + n * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send(record));
    }
    await Promise.all(inFlight);
    return (performance.now() - start) / 1000;
  };
  if (job.warmup > 0) await run(job.warmup);
  const latencies = [];
  const codes = {};
  let errors = 0;
  let timeouts = 0;
  const seconds = await run(job.duration, (status, ms) => {
    if (status === 'error') errors++;
    else if (status === 'timeout') timeouts++;
    else {
      codes[status] = (codes[status] ?? 0) + 1;
      latencies.push(ms);
    }
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]) : 0);
  const ok = Object.entries(codes).reduce((n, [code, count]) => n + (code >= 200 && code < 300 ? count : 0), 0);
  return {
    title: `paced at ${job.paceRate}/s`,
    paced_rate: job.paceRate,
    duration_s: Math.round(seconds * 100) / 100,
    connections: job.connections,
    requests_total: latencies.length + errors + timeouts,
    ok_2xx: ok,
    non_2xx: latencies.length - ok,
    errors,
    timeouts,
    rps: Math.round((ok / job.duration) * 10) / 10,
    rps_avg_autocannon: null,
    latency_ms: { mean: latencies.length ? Math.round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 100) / 100 : 0, p50: at(50), p90: at(90), p99: at(99), max: at(100) },
    status_codes: codes,
  };
}
