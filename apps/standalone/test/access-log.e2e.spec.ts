import { createLogger, START_UP_CONTEXTS } from '@cp/observability';
import { describeStandaloneOnly, Harness, KEYS, startHarness, TEST_KEYS } from './harness';

type Line = Record<string, unknown>;

describeStandaloneOnly('the log (JSON, LOG_LEVEL=debug)', () => {
  const lines: Line[] = [];
  let app: Harness;
  const lineOf = (reqId: string) => lines.find((line) => line.reqId === reqId);
  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${app.url}${path}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined }).then(async (response) => ({ status: response.status, body: await response.json() }));
  const caller = { authorization: KEYS.siteA, 'wix-site-id': 'site-a' };

  beforeAll(async () => {
    const log = createLogger({ level: 'debug', format: 'json', colors: false }, 'standalone', { write: (line: string) => void lines.push(JSON.parse(line)) });
    app = await startHarness({ log });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('has one line per request: request id, method, route pattern, status, duration, site and key name', async () => {
    const created = await send('POST', '/contacts/v4/contacts', { ...caller, 'x-request-id': 'log-create' }, { info: { name: { first: 'Logged' } } });
    const id = (created.body as { contact: { id: string } }).contact.id;
    await send('GET', `/contacts/v4/contacts/${id}`, { ...caller, 'x-request-id': 'log-get' });
    expect(lineOf('log-create')).toMatchObject({
      level: 'info',
      name: 'standalone',
      reqId: 'log-create',
      method: 'POST',
      route: '/contacts/v4/contacts',
      status: 200,
      durationMs: expect.any(Number),
      siteId: 'site-a',
      keyName: TEST_KEYS[0].name,
      msg: expect.stringMatching(/^POST \/contacts\/v4\/contacts 200 [\d.]+ ms$/),
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The pattern, not the URL: a label per contact would be unbounded.
    expect(lineOf('log-get')).toMatchObject({ route: '/contacts/v4/contacts/:id', status: 200 });
    expect(JSON.stringify(lineOf('log-get'))).not.toContain(id);
    expect(lines.filter((line) => line.reqId === 'log-create')).toHaveLength(1);
  });

  it('names no site or key for a request that did not authenticate, and the path of one no route matched', async () => {
    await send('GET', '/contacts/v4/contacts', { 'x-request-id': 'log-anonymous', 'wix-site-id': 'site-a' });
    await send('GET', '/contacts/v4/no-such-route', { ...caller, 'x-request-id': 'log-unrouted' });
    const anonymous = lineOf('log-anonymous');
    expect(anonymous).toMatchObject({ level: 'info', status: 401, route: '/contacts/v4/contacts' });
    expect(anonymous).not.toHaveProperty('siteId');
    expect(anonymous).not.toHaveProperty('keyName');
    expect(lineOf('log-unrouted')).toMatchObject({ status: 404, path: '/contacts/v4/no-such-route' });
  });

  it('logs health checks at debug', async () => {
    await send('GET', '/health/live', { 'x-request-id': 'log-live' });
    await send('GET', '/health/ready', { 'x-request-id': 'log-ready' });
    expect([lineOf('log-live')?.level, lineOf('log-ready')?.level]).toEqual(['debug', 'debug']);
  });

  it('writes Nest\'s start-up lines (the route table) at debug', () => {
    const startUp = lines.filter((line) => START_UP_CONTEXTS.has(line.context as string));
    expect(startUp.filter((line) => line.context === 'RouterExplorer').length).toBeGreaterThan(50);
    expect(new Set(startUp.map((line) => line.level))).toEqual(new Set(['debug']));
  });
});
