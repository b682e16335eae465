import { ConfigError, readEnv } from '@cp/config';
import { trace } from '@opentelemetry/api';
import { startTracing } from './start-tracing';
import { tracesUrl, tracingEnv } from './tracing-variables';

const settings = (env: NodeJS.ProcessEnv) => readEnv(tracingEnv('contacts-service'), env);

describe('tracing configuration', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT, whatever else is set', () => {
    expect(settings({})).toEqual({ enabled: false });
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_SERVICE_NAME: 'x' })).toEqual({ enabled: false });
  });

  it('is on with it, named after the app unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ enabled: true, tracesUrl: 'http://collector:4318/v1/traces', serviceName: 'contacts-service' });
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/otlp', OTEL_SERVICE_NAME: 'contacts-eu', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toEqual({
      enabled: true,
      tracesUrl: 'https://otlp.example.com/otlp/v1/traces',
      serviceName: 'contacts-eu',
    });
  });

  it('refuses an endpoint that is not an http(s) URL and a protocol it does not send, naming each variable', () => {
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(ConfigError);
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL, got "collector:4318"\n {2}- OTEL_EXPORTER_OTLP_PROTOCOL must be http\/json, got "grpc"/,
    );
  });

  it('checks the export headers are key=value pairs (the exporter reads them itself)', () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cr=t, x-team=a' })).toMatchObject({ enabled: true });
    expect(() => settings({ OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=a,bearer' })).toThrow('OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas; pair 2 is not');
  });

  it('sends to <endpoint>/v1/traces, as the OTLP specification builds the URL', () => {
    expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('https://otlp.example.com/otlp')).toBe('https://otlp.example.com/otlp/v1/traces');
  });
});

describe('startTracing', () => {
  const recording = () => trace.getTracer('probe').startSpan('probe').isRecording();

  it('starts nothing without the endpoint, nor with a bad one (the app\'s own check reports that)', () => {
    expect(startTracing('gateway', {})).toEqual({ enabled: false });
    expect(startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toEqual({ enabled: false });
    expect(recording()).toBe(false);
  });
});
