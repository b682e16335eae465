import { defineEnv, EnvValues, optionalHttpUrl, optionalText, parsedBy } from '@cp/config';

/**
 * OpenTelemetry's own variable names (what a collector's or Kubernetes operator's setup already
 * sets), checked like every other variable: every app lists them (apps/*\/src/config.ts,
 * serviceVariables), so a bad value stops the boot with the rest of the problems.
 */
export const tracingVariables = {
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalHttpUrl({
    description:
      'the OTLP/HTTP receiver spans are exported to (an OpenTelemetry Collector, Jaeger, Tempo: usually port 4318); the app sends them to <endpoint>/v1/traces, as JSON. Traces the HTTP requests and the Kafka requests, replies and events across every app (docs/operations.md, "Tracing").',
    unset: 'no tracing at all: the OpenTelemetry SDK is not even loaded',
    example: 'http://otel-collector:4318',
  }),
  OTEL_SERVICE_NAME: optionalText({ description: 'the service.name of this process\'s spans.', unset: 'the app\'s name (gateway, contacts-service, labels-service, …, standalone)' }),
  OTEL_EXPORTER_OTLP_PROTOCOL: parsedBy(
    (raw) => {
      if (raw === undefined || raw === 'http/json') return 'http/json' as const;
      throw new Error(
        `must be http/json, got ${JSON.stringify(raw)}: spans go out as OTLP/HTTP JSON, which every OTLP/HTTP receiver takes on the same endpoint as protobuf (grpc is another port and protocol)`,
      );
    },
    { description: 'how spans are sent: http/json (OTLP over HTTP, JSON bodies), the only protocol this build exports with.', unset: 'http/json' },
  ),
  OTEL_EXPORTER_OTLP_HEADERS: parsedBy(
    (raw) => {
      // Checked only: the exporter reads the variable itself. The values are not quoted: they may be keys.
      const malformed = (raw?.split(',') ?? []).findIndex((pair) => !/^[^=\s]+=/.test(pair.trim()));
      if (malformed >= 0) throw new Error(`must be key=value pairs separated by commas; pair ${malformed + 1} is not`);
      return raw;
    },
    { description: 'headers sent with every export, key=value pairs separated by commas (a hosted backend\'s API key).', example: 'x-api-key=secret' },
  ),
};

/** Tracing as configured: off, or on with where spans go and whose they are. */
export type TracingSettings = { enabled: false } | { enabled: true; tracesUrl: string; serviceName: string };

export function tracingSettings(values: EnvValues<typeof tracingVariables>, app: string): TracingSettings {
  if (!values.OTEL_EXPORTER_OTLP_ENDPOINT) return { enabled: false };
  return { enabled: true, tracesUrl: tracesUrl(values.OTEL_EXPORTER_OTLP_ENDPOINT), serviceName: values.OTEL_SERVICE_NAME ?? app };
}

/** Where OTLP/HTTP takes traces: `<endpoint>/v1/traces`, as the specification builds it from OTEL_EXPORTER_OTLP_ENDPOINT. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** The tracing variables alone, for the early start (start-tracing.ts), which runs before the app reads the rest. */
export const tracingEnv = (app: string) => defineEnv({ app, about: 'tracing', variables: tracingVariables, settings: (values) => tracingSettings(values, app) });
