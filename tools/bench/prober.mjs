// A bystander client: a separate process (forked by the bench) that sends the query phase's
// request one at a time, one every `intervalMs` (or right after the previous answer when that took
// longer), and records when each was sent and how long it took. It is what another tenant sees
// while the bench does something heavy. Over IPC:
//   { cmd: 'start', url, headers, labelKeys, intervalMs, timeoutMs }
//   { cmd: 'mark', name }   stamps a moment on the prober's clock (window starts and ends)
//   { cmd: 'stop' }         answers { samples: [[sentAt, ms, status]], marks: { name: at } } and exits
import { performance } from 'node:perf_hooks';
import { ApiClient, ClientTimeout } from './lib/client.mjs';
import { sleep } from './lib/processes.mjs';

const samples = [];
const marks = {};
let running = false;
let stopped;

process.on('message', (message) => {
  if (message.cmd === 'start') stopped = probe(message);
  else if (message.cmd === 'mark') marks[message.name] = performance.now();
  else if (message.cmd === 'stop') {
    running = false;
    Promise.resolve(stopped).then(() => process.send({ samples, marks }, () => process.exit(0)));
  }
});

async function probe({ url, headers, labelKeys, intervalMs, timeoutMs }) {
  running = true;
  const client = new ApiClient(url, { ...headers, 'content-type': 'application/json' }, 1);
  for (let i = 0; running; i++) {
    const body = JSON.stringify({
      query: { filter: { 'info.labelKeys': { $hasSome: [labelKeys[i % labelKeys.length]] } }, sort: [{ fieldName: 'createdDate', order: 'DESC' }], paging: { limit: 50 } },
    });
    const sentAt = performance.now();
    let status;
    try {
      status = (await client.requestRaw('POST', '/contacts/v4/contacts/query', body, { timeoutMs })).status;
    } catch (error) {
      status = error instanceof ClientTimeout ? 'timeout' : 'error';
    }
    const took = performance.now() - sentAt;
    samples.push([Math.round(sentAt * 100) / 100, Math.round(took * 100) / 100, status]);
    await sleep(Math.max(0, intervalMs - took));
  }
  client.close();
}
