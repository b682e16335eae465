#!/usr/bin/env node
// Tracing across the distributed system, run by tools/distributed/test.sh after the end-to-end
// suites. Every app was started with OTEL_EXPORTER_OTLP_ENDPOINT at OTLP_RECEIVER_PORT, where
// nothing listened until now (the suites' spans were dropped); this starts the receiver there.
//  1. A create with a label on a site nobody has used: the contacts service's copy of the labels
//     cannot know the site's labels yet, so it must ask the labels service (the site's catalog is
//     opened by that very call). One trace holds the gateway's request, its Kafka request to the
//     contacts service, that service's request to the labels service, both replies, the labels
//     service's integration events (consumed by the contacts service) and the contact's public
//     event (consumed by the webhooks service), each span the child of the one that caused it.
//     The access-log line of the request names the trace.
//  2. A client's own W3C trace context is continued through the gateway to the services.
//  3. Health checks leave no traces.
//  4. What the apps sent was OTLP/HTTP JSON.
// Environment: GATEWAY_URL, GATEWAY_LOG (the gateway's JSON log), OTLP_RECEIVER_PORT.
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { assert, finish, sleep, test, until } from './lib/fault-checks.mjs';
import { SpanKind, startOtlpReceiver } from './lib/otlp-receiver.mjs';

const keys = JSON.parse(readFileSync(new URL('../../apps/standalone/test/test-keys.json', import.meta.url)));
const admin = keys.find((k) => k.sites.includes('*') && k.scopes.includes('*')).key;
const gateway = process.env.GATEWAY_URL;
const receiver = await startOtlpReceiver(Number(process.env.OTLP_RECEIVER_PORT));

const call = (method, path, { site, body, headers = {} }) =>
  fetch(`${gateway}${path}`, {
    method,
    headers: { authorization: admin, 'wix-site-id': site, ...(body && { 'content-type': 'application/json' }), ...headers },
    body: body && JSON.stringify(body),
  });

/** The gateway's access-log line of a request. */
function accessLine(requestId) {
  return readFileSync(process.env.GATEWAY_LOG, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .find((line) => line.reqId === requestId && line.status !== undefined);
}

/** What a trace's spans look like, one per line, indented under their parents: for a failure's message. */
function tree(spans) {
  const ids = new Set(spans.map((span) => span.spanId));
  const lines = [];
  const walk = (span, depth) => {
    lines.push(`${'  '.repeat(depth)}${span.service}: ${span.name}`);
    for (const child of spans.filter((s) => s.parentSpanId === span.spanId)) walk(child, depth + 1);
  };
  for (const root of spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId))) walk(root, 0);
  return lines.join('\n');
}

/**
 * Finds, in `spans`, the span of `service` named `name` (of `kind`) whose parent is `parent`;
 * with `{ under: true }`, anywhere below it. Fails naming the hop, with the whole trace.
 */
function hop(spans, parent, service, name, kind, { under = false } = {}) {
  const below = (span) => {
    for (let p = span; p; p = spans.find((s) => s.spanId === p.parentSpanId)) if (p.parentSpanId === parent.spanId) return true;
    return false;
  };
  const found = spans.find((span) => span.service === service && span.name === name && span.kind === kind && (under ? below(span) : span.parentSpanId === parent.spanId));
  assert(found, `no ${service} span "${name}" ${under ? 'below' : 'under'} ${parent.service}'s "${parent.name}" in the trace:\n${tree(spans)}`);
  return found;
}

/** Waits until `check(spans of the trace)` stops throwing (spans arrive in batches, app by app), then checks once more to fail with its message. */
async function traceSatisfies(traceId, check) {
  await until(
    () => {
      try {
        check(receiver.trace(traceId));
        return true;
      } catch {
        return false;
      }
    },
    30_000,
    `the spans of trace ${traceId}`,
  ).catch(() => undefined);
  check(receiver.trace(traceId));
}

await test('a create with a label the contacts service must ask the labels service about is one trace, gateway → contacts-service → labels-service, integration and public events included', async () => {
  const site = `trace-${randomUUID().slice(0, 8)}`;
  const requestId = `trace-${randomUUID()}`;
  const response = await call('POST', '/contacts/v4/contacts', { site, headers: { 'x-request-id': requestId }, body: { info: { name: { first: 'Traced' }, labelKeys: { items: ['contacts.customers'] } } } });
  assert(response.status === 200, `the create answered ${response.status}: ${await response.text()}`);
  await until(() => accessLine(requestId), 10_000, 'the access-log line of the create');
  const line = accessLine(requestId);
  assert(/^[0-9a-f]{32}$/.test(line.trace_id ?? '') && /^[0-9a-f]{16}$/.test(line.span_id ?? ''), `the access-log line names no trace: ${JSON.stringify(line)}`);

  await traceSatisfies(line.trace_id, (spans) => {
    const roots = spans.filter((span) => !span.parentSpanId);
    assert(roots.length === 1, `the trace should have one root, the gateway's request; it has ${roots.length}:\n${tree(spans)}`);
    const [request] = roots;
    assert(request.service === 'gateway' && request.kind === SpanKind.SERVER && request.name === 'POST /contacts/v4/contacts', `the root is not the gateway's request:\n${tree(spans)}`);
    assert(request.spanId === line.span_id, `the access-log line names span ${line.span_id}, the request's span is ${request.spanId}`);
    const orphans = spans.filter((span) => span.parentSpanId && !spans.some((s) => s.spanId === span.parentSpanId));
    assert(orphans.length === 0, `spans whose parent is not in the trace: ${orphans.map((s) => `${s.service} ${s.name}`).join(', ')}`);

    // The request to the contacts service, and its reply.
    const sendCreate = hop(spans, request, 'gateway', 'send contacts.create', SpanKind.PRODUCER);
    const contactsTakes = hop(spans, sendCreate, 'contacts-service', 'process contacts.create', SpanKind.CONSUMER);
    const contactsAnswers = hop(spans, contactsTakes, 'contacts-service', 'answer contacts.create', SpanKind.INTERNAL);
    const createReply = hop(spans, contactsAnswers, 'contacts-service', 'send contacts.create.reply', SpanKind.PRODUCER);
    hop(spans, createReply, 'gateway', 'process contacts.create.reply', SpanKind.CONSUMER);
    // The contacts service's own request to the labels service, and its reply.
    const askLabels = hop(spans, contactsAnswers, 'contacts-service', 'send labels.get', SpanKind.PRODUCER);
    const labelsTakes = hop(spans, askLabels, 'labels-service', 'process labels.get', SpanKind.CONSUMER);
    const labelsAnswers = hop(spans, labelsTakes, 'labels-service', 'answer labels.get', SpanKind.INTERNAL);
    const labelsReply = hop(spans, labelsAnswers, 'labels-service', 'send labels.get.reply', SpanKind.PRODUCER);
    hop(spans, labelsReply, 'contacts-service', 'process labels.get.reply', SpanKind.CONSUMER);
    // The catalog the labels service opened, announced as integration events, which the contacts service reads.
    const labelEvent = hop(spans, labelsAnswers, 'labels-service', 'send labels.events', SpanKind.PRODUCER, { under: true });
    hop(spans, labelEvent, 'contacts-service', 'process labels.events', SpanKind.CONSUMER);
    // The contact's public event, which the webhooks service reads.
    const contactEvent = hop(spans, contactsAnswers, 'contacts-service', 'send contacts.public-events', SpanKind.PRODUCER, { under: true });
    hop(spans, contactEvent, 'webhooks-service', 'process contacts.public-events', SpanKind.CONSUMER);
  });
  const services = [...new Set(receiver.trace(line.trace_id).map((span) => span.service))].sort();
  console.log(`      trace ${line.trace_id}: ${receiver.trace(line.trace_id).length} spans from ${services.join(', ')}`);
});

await test("a client's own trace context is continued through the gateway to the service", async () => {
  const site = `trace-${randomUUID().slice(0, 8)}`;
  const traceId = randomBytes(16).toString('hex');
  const clientSpan = randomBytes(8).toString('hex');
  const response = await call('POST', '/contacts/v4/contacts/query', { site, body: { query: {} }, headers: { traceparent: `00-${traceId}-${clientSpan}-01` } });
  assert(response.status === 200, `the query answered ${response.status}: ${await response.text()}`);
  await traceSatisfies(traceId, (spans) => {
    const request = hop(spans, { spanId: clientSpan, service: 'the client', name: traceId }, 'gateway', 'POST /contacts/v4/contacts/query', SpanKind.SERVER);
    const send = hop(spans, request, 'gateway', 'send contacts.query', SpanKind.PRODUCER);
    hop(spans, send, 'contacts-service', 'process contacts.query', SpanKind.CONSUMER);
  });
});

await test('health checks leave no traces', async () => {
  const before = receiver.spans.length;
  for (let i = 0; i < 3; i++) for (const path of ['/health', '/health/ready', '/health/live', '/metrics']) await fetch(`${gateway}${path}`);
  // Longer than the apps' batch delay (OTEL_BSP_SCHEDULE_DELAY in test.sh): what they would export is in.
  await sleep(3_000);
  const health = receiver.spans.slice(before).filter((span) => /health|metrics/.test(`${span.name} ${span.attribute('url.path') ?? span.attribute('http.target') ?? ''}`));
  assert(health.length === 0, `health checks were traced: ${health.map((s) => `${s.service} ${s.name}`).join(', ')}`);
});

await test('every export was OTLP/HTTP JSON to /v1/traces', async () => {
  assert(receiver.spans.length > 0, 'nothing was exported');
  assert(receiver.refused.length === 0, `the receiver was sent other than that: ${receiver.refused.slice(0, 3).join('; ')}`);
});

await receiver.close();
finish('tracing');
