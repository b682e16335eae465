// A minimal OTLP/HTTP trace receiver: what a Collector or Jaeger does at POST /v1/traces, for
// the JSON encoding the apps' exporter sends (ids in hex), keeping the spans it is sent.
import { createServer } from 'node:http';

/** OTLP's span kinds by number (opentelemetry-proto, trace.proto). */
export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };

const attribute = (attributes, key) => {
  const value = (attributes ?? []).find((a) => a.key === key)?.value;
  return value && (value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue);
};

/** Starts listening on `port` (127.0.0.1); `spans` are every span received, each with the service.name of its resource. */
export async function startOtlpReceiver(port) {
  const spans = [];
  const refused = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const type = request.headers['content-type'] ?? '';
      if (request.method !== 'POST' || request.url !== '/v1/traces' || !type.startsWith('application/json')) {
        refused.push(`${request.method} ${request.url} ${type}`);
        response.writeHead(415, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const { resource, scopeSpans } of body.resourceSpans ?? []) {
        const service = attribute(resource?.attributes, 'service.name');
        for (const { scope, spans: received } of scopeSpans ?? []) {
          for (const span of received ?? []) {
            spans.push({
              service,
              scope: scope?.name,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: span.kind,
              startMs: Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000,
              endMs: Number(BigInt(span.endTimeUnixNano) / 1000n) / 1000,
              attribute: (key) => attribute(span.attributes, key),
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    spans,
    /** Requests that were not OTLP/HTTP JSON traces (another encoding, another path). */
    refused,
    trace: (traceId) => spans.filter((span) => span.traceId === traceId),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
