// The first import of main.ts, so that OpenTelemetry's instrumentations are registered before
// http and kafkajs are first required (they patch those modules as they load): on only with
// OTEL_EXPORTER_OTLP_ENDPOINT (docs/operations.md, "Tracing").
import { startTracing } from '@cp/observability/tracing';

startTracing('contacts-service');
