import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfStale, freePort, startBuiltApp, waitUntilReady } from './built-app';
import { describeStandaloneOnly, KEYS, TEST_KEYS } from './harness';
import { OtlpReceiver } from './otlp-receiver';

const SERVER = 2;

async function until<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The standalone app with OTEL_EXPORTER_OTLP_ENDPOINT: one process, no Kafka hops, so a request's
 * trace is its HTTP span. The built app, since the instrumentations patch Node's modules as they
 * load (and the exporter cannot send from inside jest); tools/distributed/tracing.mjs checks the
 * traces across the distributed apps.
 */
describeStandaloneOnly('tracing of the built standalone app', () => {
  beforeAll(buildIfStale, 180_000);

  it('exports each request as a span named after its route, whose trace its access-log line names; health checks are not traced; a stop sends what is left', async () => {
    const receiver = new OtlpReceiver();
    const endpoint = await receiver.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'contacts-tracing-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // A batch delay longer than the test: the spans can only arrive through the stop's flush.
    const app = startBuiltApp({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', API_KEYS: JSON.stringify(TEST_KEYS), LOG_FORMAT: 'json', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '600000' });
    try {
      await waitUntilReady(url, app.exited);
      const requestId = randomUUID();
      const created = await fetch(`${url}/contacts/v4/contacts`, {
        method: 'POST',
        headers: { authorization: KEYS.siteA, 'wix-site-id': 'site-a', 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ info: { name: { first: 'Traced' }, labelKeys: { items: ['contacts.customers'] } } }),
      });
      expect(created.status).toBe(200);
      const accessLine = await until(() => app.lines().find((line) => line.reqId === requestId), 'the access-log line');
      expect(accessLine).toMatchObject({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });

      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(receiver.refused).toEqual([]);
      const [span, ...others] = receiver.trace(accessLine.trace_id as string);
      expect(others).toEqual([]);
      expect(span).toMatchObject({ service: 'standalone', spanId: accessLine.span_id, parentSpanId: undefined, name: 'POST /contacts/v4/contacts', kind: SERVER, attributes: { 'http.route': '/contacts/v4/contacts' } });
      // waitUntilReady polled /health/ready: none of that is a trace.
      expect(receiver.spans.filter((s) => String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '').startsWith('/health'))).toEqual([]);
      expect(new Set(receiver.spans.map((s) => s.traceId))).toEqual(new Set([accessLine.trace_id]));
    } finally {
      app.child.kill('SIGKILL');
      await receiver.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
