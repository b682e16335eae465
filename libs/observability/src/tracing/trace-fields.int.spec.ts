import { context, trace, TraceFlags } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createLogger } from '../logging/logger';
import { activeTraceFields, nameActiveHttpSpan } from './trace-fields';

// The real SDK (its context manager and tracer), its spans kept in memory. (The OTLP exporter
// cannot send from inside jest, which has no dynamic import: apps/standalone/test/tracing.e2e.spec.ts
// runs the built app against a receiver.)
const spans = new InMemorySpanExporter();
const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor(spans)], instrumentations: [], metricReaders: [], logRecordProcessors: [], autoDetectResources: false });
beforeAll(() => sdk.start());
afterAll(() => sdk.shutdown());

const tracer = () => trace.getTracer('test');

describe('log entries in a trace', () => {
  it('carry the trace and span written in, none outside', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ level: 'info', format: 'json', colors: false }, 'labels-service', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const ids = tracer().startActiveSpan('some work', (span) => {
      log.info('inside');
      span.end();
      return span.spanContext();
    });
    log.info('outside');
    expect(lines.map(({ msg, trace_id, span_id }) => ({ msg, trace_id, span_id }))).toEqual([
      { msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId },
      { msg: 'outside', trace_id: undefined, span_id: undefined },
    ]);
  });

  it('carry nothing in a trace that is not recorded (its id would lead nowhere)', () => {
    const unsampled = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE, isRemote: true });
    const fields = context.with(trace.setSpan(context.active(), unsampled), () => tracer().startActiveSpan('child of an unsampled parent', (span) => (span.end(), activeTraceFields())));
    expect(fields).toEqual({});
  });
});

describe('nameActiveHttpSpan', () => {
  it('names the request\'s span after its route and records the route', () => {
    tracer().startActiveSpan('POST', (span) => {
      nameActiveHttpSpan('POST', '/contacts/v4/contacts/:id/labels');
      span.end();
    });
    const [span] = spans.getFinishedSpans().filter((s) => s.attributes['http.route']);
    expect({ name: span.name, route: span.attributes['http.route'] }).toEqual({ name: 'POST /contacts/v4/contacts/:id/labels', route: '/contacts/v4/contacts/:id/labels' });
  });
});
