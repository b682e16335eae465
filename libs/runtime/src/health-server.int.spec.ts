import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HealthReport } from '@cp/contracts';
import { startHealthServer } from './health-server';

describe('a service\'s health server', () => {
  let server: Server;
  let url: string;
  let report: HealthReport;
  let bus: { ready: boolean; detail?: string };
  let draining: boolean;
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    server = await startHealthServer(0, '127.0.0.1', {
      report: async () => report,
      readiness: async () => ({ ...report, ready: report.ready && bus.ready, parts: { ...report.parts, bus } }),
      draining: () => draining,
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'queue_depth{queue="kafka-requests"} 0\n' }),
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    report = { service: 'labels', ready: true, parts: { eventStore: { ready: true } } };
    bus = { ready: true };
    draining = false;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers /health with the report, /health/ready with the bus too: 200 when ready, 503 when not', async () => {
    expect(await get('/health')).toEqual({ status: 200, body: report });
    expect(await get('/health/ready')).toEqual({ status: 200, body: { ...report, parts: { eventStore: { ready: true }, bus: { ready: true } } } });
    bus = { ready: false, detail: 'rebalancing' };
    expect((await get('/health')).status).toBe(200);
    expect(await get('/health/ready')).toMatchObject({ status: 503, body: { ready: false, parts: { bus } } });
    report = { service: 'labels', ready: false, parts: { projection: { ready: false, detail: 'catching up' } } };
    expect(await get('/health')).toEqual({ status: 503, body: report });
  });

  it('answers /health/live 200 while the process runs, ready or not, stopping or not', async () => {
    report = { service: 'labels', ready: false, parts: {} };
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    draining = true;
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'draining' } });
  });

  it('turns /health/ready to 503 once the process stops, and leaves /health as it was', async () => {
    draining = true;
    expect(await get('/health/ready')).toEqual({ status: 503, body: { ready: false, detail: 'stopping' } });
    expect((await get('/health')).status).toBe(200);
  });

  it('serves the process\'s metrics at /metrics, for Prometheus', async () => {
    const response = await fetch(`${url}/metrics`);
    expect([response.status, response.headers.get('content-type'), await response.text()]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8', 'queue_depth{queue="kafka-requests"} 0\n']);
  });

  it('answers 404 elsewhere', async () => {
    expect((await get('/ready')).status).toBe(404);
  });
});
