import type { IncomingMessage } from 'node:http';
import { Attributes, Context, SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOnSampler, ParentBasedSampler, Sampler, SamplingDecision, SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * The OpenTelemetry SDK of a process, loaded only when tracing is on (start-tracing.ts requires
 * this module then, and only then): W3C trace context, the http and kafkajs instrumentations,
 * spans batched to an OTLP/HTTP (JSON) receiver. Metrics stay Prometheus's (/metrics) and logs
 * pino's: the SDK's own metric and log pipelines are left out.
 */
export function startSdk(options: { tracesUrl: string; serviceName: string }): { shutdown(): Promise<void> } {
  const sdk = new NodeSDK({
    // The resource also gets what OTEL_RESOURCE_ATTRIBUTES says, the host and the process; the
    // service's name (OTEL_SERVICE_NAME or the app's) is resolved already and wins.
    serviceName: options.serviceName,
    traceExporter: new OTLPTraceExporter({ url: options.tracesUrl }),
    sampler: new ParentBasedSampler({ root: new OperationsCallsDropped(new AlwaysOnSampler()) }),
    instrumentations: [
      // Outgoing calls only within a trace: webhook deliveries run apart from any request, and
      // receivers get no trace headers from us.
      new HttpInstrumentation({ ignoreIncomingRequestHook: isOperationsRequest, requireParentforOutgoingSpans: true }),
      new KafkaJsInstrumentation(),
    ],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return sdk;
}

/** Health checks and scrapes: orchestrators call them every few seconds, and a trace of each would bury the requests. */
const OPERATIONS_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

function isOperationsRequest(request: IncomingMessage): boolean {
  return OPERATIONS_PATHS.has((request.url ?? '').split('?')[0]);
}

/**
 * The gateway's health check asks every service over Kafka (`<service>.health`). Its HTTP
 * request is not traced (isOperationsRequest), so the message carries no trace context and
 * each service would start a trace of its own for it: those roots are not sampled.
 */
class OperationsCallsDropped implements Sampler {
  constructor(private readonly otherwise: Sampler) {}

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Parameters<Sampler['shouldSample']>[5]): SamplingResult {
    if (/\.health(\.reply)?$/.test(spanName)) return { decision: SamplingDecision.NOT_RECORD };
    return this.otherwise.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `OperationsCallsDropped{${this.otherwise.toString()}}`;
  }
}
