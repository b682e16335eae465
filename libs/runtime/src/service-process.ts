import { DynamicModule, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthReport } from '@cp/contracts';
import { EnvReader, envReader } from './env';
import { ensureTopics, KafkaConfig, kafkaServerOptions, readKafkaConfig } from './kafka';
import { readStoreConfig, StoreConfig } from './stores';
import { startHealthServer } from './health-server';

export interface ServiceProcess<Settings> {
  /** The process's name: Kafka client id and consumer group, and what its log says. */
  name: string;
  /** The service's own settings, read before the environment is checked as a whole. */
  settings?: (env: EnvReader) => Settings;
  module: (context: { stores: StoreConfig; kafka: KafkaConfig; settings: Settings }) => Promise<DynamicModule>;
  health: (service: INestMicroservice) => Promise<HealthReport>;
  /** A new consumer group reads its topics from the start (what was published before it first ran). */
  fromBeginning?: boolean;
}

/**
 * The boot every service process shares: its environment read and checked (stores, Kafka,
 * HEALTH_PORT, HOST and its own settings; unknown or invalid values stop it with a list), the
 * topics ensured, the service's Nest module served on Kafka, and a health endpoint.
 */
export async function serveOverKafka<Settings = undefined>(spec: ServiceProcess<Settings>): Promise<void> {
  const env = envReader();
  const stores = readStoreConfig(env);
  const kafka = readKafkaConfig(env);
  const settings = spec.settings?.(env) as Settings;
  const healthPort = env.port('HEALTH_PORT', 0);
  const host = env.optional('HOST') ?? '0.0.0.0';
  env.done();

  await ensureTopics(kafka);
  const service = await NestFactory.createMicroservice(await spec.module({ stores, kafka, settings }), kafkaServerOptions(spec.name, kafka, spec.fromBeginning));
  service.enableShutdownHooks();
  await service.listen();
  if (healthPort) await startHealthServer(healthPort, host, () => spec.health(service));
  console.log(`${spec.name} ready`);
}
