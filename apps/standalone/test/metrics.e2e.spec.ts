import { describeStandaloneOnly, GATEWAY_URL, Harness, KEYS, startHarness } from './harness';

/** The lines of one metric in Prometheus's text format, comments left out. */
const series = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
const valueOf = (line: string | undefined) => Number(line?.split(' ').at(-1));

describe('GET /metrics', () => {
  let app: Harness;
  beforeAll(async () => {
    app = await startHarness();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('answers Prometheus\'s text format without an API key: requests by route pattern and status, appends, projection lags, process metrics', async () => {
    const created = await app.call('POST', '/contacts/v4/contacts', { body: { info: { name: { first: 'Measured' } } } });
    const id = created.body.contact.id as string;
    await app.call('GET', `/contacts/v4/contacts/${id}`);
    await app.call('GET', `/contacts/v4/contacts/${id}`);
    await app.call('GET', '/contacts/v4/contacts', { key: null });

    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    // The pattern, never the id: one series per route, however many contacts.
    const byId = series(text, 'http_request_duration_seconds_count').filter((line) => line.includes('route="/contacts/v4/contacts/:id"'));
    const gets = byId.find((line) => line.includes('method="GET"') && line.includes('status="200"'));
    expect(valueOf(gets)).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain(id);
    // A fresh app has seen no other request on that route (a shared gateway has: the other suites').
    if (!GATEWAY_URL) expect(byId).toEqual([gets]);
    expect(series(text, 'http_request_duration_seconds_count').some((line) => line.includes('route="/contacts/v4/contacts"') && line.includes('status="401"'))).toBe(true);
    expect(series(text, 'http_request_duration_seconds_bucket').length).toBeGreaterThan(10);
    expect(series(text, 'process_resident_memory_bytes')).toHaveLength(1);
    // The distributed gateway holds no store: the services serve these on their HEALTH_PORT.
    if (GATEWAY_URL) return;
    expect(valueOf(series(text, 'event_store_append_duration_seconds_count').find((line) => line.includes('store="contacts"') && line.includes('outcome="ok"')))).toBeGreaterThanOrEqual(1);
    // Read models, relays (integration and public events) and the webhooks dispatcher, each by name.
    const lags = series(text, 'projection_lag_events');
    expect(lags.map((line) => line.match(/projection="([^"]+)"/)?.[1])).toEqual(expect.arrayContaining(['contacts', 'public:contacts', 'relay:labels', 'webhook-dispatcher', 'webhook-deliveries']));
    expect(lags.every((line) => valueOf(line) >= 0)).toBe(true);
    expect(series(text, 'queue_depth').some((line) => line.includes('queue="webhook-deliveries"'))).toBe(true);
  });

  it('is not part of the API\'s OpenAPI document', async () => {
    const document = (await (await fetch(`${app.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/metrics');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
  });
});

describeStandaloneOnly('METRICS=false', () => {
  it('leaves GET /metrics out', async () => {
    const app = await startHarness({ metrics: false });
    try {
      expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
      expect((await app.call('GET', '/contacts/v4/contacts', { key: KEYS.siteA })).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
