// The early entry (`@cp/observability/tracing`): what an app's first import needs, and nothing
// that loads http or kafkajs (the rest of @cp/observability loads prom-client, which loads http).
export { startTracing, stopTracing } from './start-tracing';
