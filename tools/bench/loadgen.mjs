// The load generator: a separate process (forked by bench.mjs) that drives one phase with
// autocannon and sends back a summary. It receives the phase over IPC:
//   { phase, url, headers, connections, duration, warmup, ids, labelKeys, fieldKeys, createBase }
import autocannon from 'autocannon';
import { contactInfo, FIRST_NAMES } from './lib/data.mjs';

const CONTACTS = '/contacts/v4/contacts';

process.once('message', async (job) => {
  try {
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
  switch (job.phase) {
    case 'hello':
    case 'nest_hello':
      return { method: 'GET', path: '/' };
    case 'create': {
      let next = job.createBase;
      return {
        method: 'POST',
        path: CONTACTS,
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ info: contactInfo(next++, job.labelKeys, job.fieldKeys, 'c') }) }),
      };
    }
    case 'get':
      return { method: 'GET', path: CONTACTS, setupRequest: (request) => ({ ...request, path: `${CONTACTS}/${randomOf(job.ids)}` }) };
    case 'query': // info.labelKeys $hasSome one label, newest first, one page of 50
      return newestFirstQuery(() => ({ 'info.labelKeys': { $hasSome: [randomOf(job.labelKeys)] } }));
    case 'query_prefix': // info.name.first $startsWith two letters, newest first, one page of 50
      return newestFirstQuery(() => ({ 'info.name.first': { $startsWith: randomOf(FIRST_NAMES).slice(0, 2) } }));
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
