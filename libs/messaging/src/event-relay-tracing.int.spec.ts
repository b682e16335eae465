import { context, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InMemoryEventStore, keepTraceContext } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { EventPublisher, EventRelay } from './event-relay';

// The real SDK (context manager, W3C propagator, tracer), its spans kept in memory.
const spans = new InMemorySpanExporter();
const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor(spans)], instrumentations: [], metricReaders: [], logRecordProcessors: [], autoDetectResources: false });
beforeAll(() => sdk.start());
afterAll(() => sdk.shutdown());

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('an event relayed in the trace of the request that wrote it', () => {
  it('keeps the writing span with each event, and publishes its messages as children of it', async () => {
    const store = keepTraceContext(new InMemoryEventStore());
    const tracer = trace.getTracer('test');
    let published = 0;
    // What the Kafka instrumentation does on send: a span in the active context, the message its attribute.
    const publisher: EventPublisher = {
      publish: async (_topic, _key, value) => {
        tracer.startSpan('send', { attributes: { message: String(value) } }).end();
        published++;
      },
    };
    const relay = new EventRelay<string>({ checkpoint: 'relay:test', topic: 't', events: store, readStore: new EmbeddedReadStore(), map: (e) => [e.type], key: (type) => type, publisher, logger: { warn: () => undefined, error: () => undefined } });

    const request = tracer.startSpan('request');
    await context.with(trace.setSpan(context.active(), request), () => store.append('thing-s.1', [{ type: 'Traced', data: {}, metadata: { siteId: 's' } }], 'no_stream'));
    request.end();
    await store.append('thing-s.2', [{ type: 'Untraced', data: {}, metadata: { siteId: 's' } }], 'no_stream');
    await relay.start();
    await until(() => published >= 2);
    await relay.stop();

    const [traced, untraced] = await Promise.all([store.readStream('thing-s.1'), store.readStream('thing-s.2')]);
    expect(traced[0].traceContext?.traceparent).toBe(`00-${request.spanContext().traceId}-${request.spanContext().spanId}-01`);
    expect(untraced[0].traceContext).toBeUndefined();
    const sends = spans.getFinishedSpans().filter((span) => span.name === 'send');
    const sent = (message: string) => sends.find((span) => span.attributes.message === message)!;
    expect(sent('Traced').spanContext().traceId).toBe(request.spanContext().traceId);
    expect(sent('Traced').parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    // An event written outside any trace is published in a trace of its own.
    expect(sent('Untraced').parentSpanContext).toBeUndefined();
    expect(sent('Untraced').spanContext().traceId).not.toBe(request.spanContext().traceId);
  });
});
