import { Agent, request } from 'node:http';
import { describeStandaloneOnly, Harness, startHarness } from './harness';

interface Answer {
  status: number;
  body: { status?: string; services?: { service: string; ready: boolean }[] };
  connection?: string;
}

/** A GET through `agent` (node:http, so that a test chooses which connections stay open). */
function get(url: string, path: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}${path}`, { agent }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text), connection: response.headers.connection }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const SERVICES = ['contacts', 'labels', 'extended-fields', 'webhooks'];

describe('health endpoints', () => {
  let app: Harness;
  beforeAll(async () => {
    app = await startHarness();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('/health/live answers 200 without a key', async () => {
    const live = await app.call('GET', '/health/live', { key: null, site: null });
    expect(live).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('/health/ready answers as /health does: 200 with every service, its stores and projections ready', async () => {
    for (const path of ['/health/ready', '/health']) {
      const ready = await app.call('GET', path, { key: null, site: null });
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ok');
      expect(ready.body.services.map((report: { service: string; ready: boolean }) => [report.service, report.ready])).toEqual(SERVICES.map((service) => [service, true]));
      expect(Object.keys(ready.body.services[0].parts)).toEqual(expect.arrayContaining(['eventStore', 'readStore', 'projection']));
    }
  });
});

describeStandaloneOnly('health while the app stops', () => {
  it('/health/ready turns 503 at once, /health/live stays 200, on connections already open; then new connections are refused', async () => {
    const app = await startHarness();
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    try {
      // Two connections, open and idle, as a load balancer's probes keep them.
      await Promise.all([get(app.url, '/health/live', agent), get(app.url, '/health/live', agent)]);
      const stopping = app.stop();
      const [ready, live] = await Promise.all([get(app.url, '/health/ready', agent), get(app.url, '/health/live', agent)]);
      expect(ready).toEqual({ status: 503, body: { status: 'draining' }, connection: 'close' });
      expect(live).toEqual({ status: 200, body: { status: 'draining' }, connection: 'close' });
      await stopping;
      await expect(get(app.url, '/health/live', new Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      agent.destroy();
    }
  });
});
