import { DynamicModule, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { defineEnv, EnvRule, EnvShape, EnvSpec, EnvValues, listenOn, optionalPort, readEnv, text } from '@cp/config';
import { HealthReport } from '@cp/contracts';
import { ensureTopics, KafkaConfig, kafkaServerOptions, kafkaSettings, kafkaVariables } from './kafka';
import { storeRules, storeSettings, StoreConfig, storeVariables } from './stores';
import { startHealthServer } from './health-server';

/** The variables every service process reads: Kafka, its stores, and its health endpoint. */
export const serviceVariables = {
  ...kafkaVariables,
  ...storeVariables,
  HEALTH_PORT: optionalPort({ description: 'serve GET /health on this port, for orchestrators.', unset: 'no health endpoint' }),
  HOST: text('0.0.0.0', { description: 'interface the health endpoint listens on.' }),
};

export type ServiceVariables = typeof serviceVariables;

export interface ServiceConfig<Settings> {
  stores: StoreConfig;
  kafka: KafkaConfig;
  healthPort: number;
  host: string;
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
    settings: (values) => ({ stores: storeSettings(values), kafka: kafkaSettings(values), healthPort: values.HEALTH_PORT, host: values.HOST, settings: spec.settings(values) }),
  });
}

export interface ServiceProcess<Shape extends EnvShape, Settings> {
  /** The process's name: Kafka client id and consumer group, and what its log says. */
  name: string;
  /** Its configuration (serviceEnv), read and checked as a whole before anything starts. */
  env: EnvSpec<Shape, ServiceConfig<Settings>>;
  module: (context: { stores: StoreConfig; kafka: KafkaConfig; settings: Settings }) => Promise<DynamicModule>;
  health: (service: INestMicroservice) => Promise<HealthReport>;
  /** A new consumer group reads its topics from the start (what was published before it first ran). */
  fromBeginning?: boolean;
}

/**
 * The boot every service process shares: its environment read and checked (invalid values stop
 * it with a list), the topics ensured, the service's Nest module served on Kafka, and a health
 * endpoint.
 */
export async function serveOverKafka<Shape extends EnvShape, Settings>(spec: ServiceProcess<Shape, Settings>): Promise<void> {
  const { stores, kafka, settings, healthPort, host } = readEnv(spec.env);
  await ensureTopics(kafka);
  const service = await NestFactory.createMicroservice(await spec.module({ stores, kafka, settings }), kafkaServerOptions(spec.name, kafka, spec.fromBeginning));
  service.enableShutdownHooks();
  await service.listen();
  if (healthPort) await listenOn('HEALTH_PORT', healthPort, () => startHealthServer(healthPort, host, () => spec.health(service)));
  console.log(`${spec.name} ready`);
}
