import { ClientKafka, KafkaOptions, Transport } from '@nestjs/microservices';
import { Kafka, logLevel } from 'kafkajs';
import { hostname } from 'node:os';
import { ContactsPatterns, ExtendedFieldsPatterns, LabelsPatterns, PublicEventTopics, Topics, WebhooksPatterns } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { EnvReader } from './env';

export interface KafkaConfig {
  brokers: string[];
  /** Distinguishes replicas: each one reads every reply and keeps its own. */
  instanceId: string;
  requestTimeoutMs: number;
}

export function readKafkaConfig(env: EnvReader): KafkaConfig {
  const brokers = env.required('KAFKA_BROKERS', 'comma-separated Kafka bootstrap servers, e.g. kafka:9092');
  return {
    brokers: brokers.split(',').map((b) => b.trim()).filter(Boolean),
    instanceId: env.optional('INSTANCE_ID') ?? `${hostname()}-${process.pid}`,
    requestTimeoutMs: env.positiveInt('REQUEST_TIMEOUT_MS', 10_000),
  };
}

/** Every request topic, its reply topic, the integration-event topics and the public-event topics. */
export function allTopics(): string[] {
  const requests = [...Object.values(ContactsPatterns), ...Object.values(LabelsPatterns), ...Object.values(ExtendedFieldsPatterns), ...Object.values(WebhooksPatterns)];
  return [...requests, ...requests.map((pattern) => `${pattern}.reply`), ...Object.values(Topics), ...Object.values(PublicEventTopics)];
}

/**
 * Creates the topics up front (idempotent): consumers that join before a topic exists are not
 * assigned its partitions, which is the usual cause of "not assigned to any partitions".
 */
export async function ensureTopics(config: KafkaConfig, partitions = 1): Promise<void> {
  const admin = new Kafka({ clientId: 'topic-setup', brokers: config.brokers, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = allTopics().filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })) });
    }
  } finally {
    await admin.disconnect();
  }
}

/** The Nest Kafka transport for a service: one consumer group per service, shared by its replicas. */
export function kafkaServerOptions(service: string, config: KafkaConfig): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: service, brokers: config.brokers, logLevel: logLevel.WARN },
      // A replica that dies holds its partitions until its session times out: keep that short.
      consumer: { groupId: service, allowAutoTopicCreation: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 },
      subscribe: { fromBeginning: false },
      producer: { allowAutoTopicCreation: false },
    },
  };
}

/** A request/reply client for some patterns of one service, replies read by this instance only. */
export async function kafkaServiceClient(owner: string, target: string, patterns: readonly string[], config: KafkaConfig): Promise<{ client: ServiceClient; proxy: ClientKafka }> {
  const proxy = new ClientKafka({
    client: { clientId: `${owner}-${target}`, brokers: config.brokers, logLevel: logLevel.WARN },
    consumer: { groupId: `${owner}-${target}-${config.instanceId}`, allowAutoTopicCreation: false },
    producer: { allowAutoTopicCreation: false },
  });
  for (const pattern of patterns) proxy.subscribeToResponseOf(pattern);
  await proxy.connect();
  return { client: new ServiceClient(proxy, config.requestTimeoutMs), proxy };
}

/** A producer-only client for publishing integration and public events. */
export function kafkaPublisher(owner: string, config: KafkaConfig): ClientKafka {
  return new ClientKafka({
    client: { clientId: `${owner}-events`, brokers: config.brokers, logLevel: logLevel.WARN },
    producerOnlyMode: true,
    producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
  });
}
