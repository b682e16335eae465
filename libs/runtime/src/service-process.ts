import { DynamicModule, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { defineEnv, EnvRule, EnvShape, EnvSpec, EnvValues, listenOn, optionalPort, readEnv, stopOnSignals, text } from '@cp/config';
import { HealthReport } from '@cp/contracts';
import { createLogger, loggingSettings, loggingVariables, LogSettings, processMetrics, stopTracing, tracingVariables, useAsNestLogger } from '@cp/observability';
import { ensureTopics, KafkaConfig, kafkaServerOptions, kafkaSettings, kafkaVariables } from './kafka';
import { storeRules, storeSettings, StoreConfig, storeVariables } from './stores';
import { startHealthServer } from './health-server';

/** The variables every service process reads: Kafka, its stores, its health endpoint, its logs and traces. */
export const serviceVariables = {
  ...kafkaVariables,
  ...storeVariables,
  HEALTH_PORT: optionalPort({ description: 'serve GET /health, /health/live and /health/ready on this port, for orchestrators, and GET /metrics for Prometheus.', unset: 'no health endpoint' }),
  HOST: text('0.0.0.0', { description: 'interface the health endpoint listens on.' }),
  ...loggingVariables,
  ...tracingVariables,
};

export type ServiceVariables = typeof serviceVariables;

export interface ServiceConfig<Settings> {
  stores: StoreConfig;
  kafka: KafkaConfig;
  healthPort: number;
  host: string;
  logging: LogSettings;
  /** The service's own settings, from its own variables. */
  settings: Settings;
}

/** A service's configuration: the variables every service reads, and its own. */
export function serviceEnv<Own extends EnvShape, Settings>(spec: {
  app: string;
  about: string;
  variables: Own;
  rules?: readonly EnvRule<ServiceVariables & Own>[];
  settings: (values: EnvValues<ServiceVariables & Own>) => Settings;
}): EnvSpec<ServiceVariables & Own, ServiceConfig<Settings>> {
  return defineEnv<ServiceVariables & Own, ServiceConfig<Settings>>({
    app: spec.app,
    about: spec.about,
    variables: { ...serviceVariables, ...spec.variables },
    rules: [...(storeRules as EnvRule<ServiceVariables & Own>[]), ...(spec.rules ?? [])],
    settings: (values) => ({ stores: storeSettings(values), kafka: kafkaSettings(values), healthPort: values.HEALTH_PORT, host: values.HOST, logging: loggingSettings(values), settings: spec.settings(values) }),
  });
}

export interface ServiceProcess<Shape extends EnvShape, Settings> {
  /** The process's name: Kafka client id and consumer group, and what its log says. */
  name: string;
  /** Its configuration (serviceEnv), read and checked as a whole before anything starts. */
  env: EnvSpec<Shape, ServiceConfig<Settings>>;
  module: (context: { stores: StoreConfig; kafka: KafkaConfig; settings: Settings }) => Promise<DynamicModule>;
  health: (service: INestMicroservice) => Promise<HealthReport>;
  /** A new consumer group of its events reads them from the start (what was published before it first ran); requests are always read from the end. */
  fromBeginning?: boolean;
}

/** How long a stop may take (requests being answered, checkpoints) before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 15_000;

/**
 * The boot every service process shares: its environment read and checked (invalid values stop
 * it with a list), its logger made Nest's (before the first Kafka client logs), the topics
 * ensured, the service's Nest module served on Kafka, and the health endpoints. On SIGTERM or
 * SIGINT `/health/ready` turns 503, the service stops reading and answers what it is answering,
 * then closes and exits 0.
 */
export async function serveOverKafka<Shape extends EnvShape, Settings>(spec: ServiceProcess<Shape, Settings>): Promise<void> {
  const { stores, kafka, settings, healthPort, host, logging } = readEnv(spec.env);
  const log = createLogger(logging, spec.name);
  const logger = useAsNestLogger(log);
  await ensureTopics(kafka);
  const transport = kafkaServerOptions(spec.name, kafka, spec.fromBeginning);
  const service = await NestFactory.createMicroservice(await spec.module({ stores, kafka, settings }), { ...transport, logger });
  await service.listen();
  let draining = false;
  const report = () => spec.health(service);
  const readiness = async (): Promise<HealthReport> => {
    const health = await report();
    const bus = transport.strategy.bus;
    return { ...health, ready: health.ready && bus.ready, parts: { ...health.parts, bus } };
  };
  const health = healthPort ? await listenOn('HEALTH_PORT', healthPort, () => startHealthServer(healthPort, host, { report, readiness, draining: () => draining, metrics: () => processMetrics().scrape() })) : undefined;
  log.info(`${spec.name} ready`);
  stopOnSignals(
    async (signal) => {
      draining = true;
      log.info({ signal }, `${spec.name} stopping (${signal})`);
      await service.close();
      await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
      await stopTracing();
      log.info({ signal }, `${spec.name} stopped (${signal})`);
    },
    { limitMs: SHUTDOWN_LIMIT_MS, report: (message, error) => log.error({ err: error }, message) },
  );
}
