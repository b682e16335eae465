import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ContactsPatterns, ExtendedFieldsPatterns, LabelsPatterns } from '@cp/contracts';
import { ApiKeyConfigError, GatewayModule, gatewayHttpAdapter, parseApiKeys, setupOpenApi } from '@cp/gateway';
import { ConfigError, envReader, ensureTopics, kafkaServiceClient, readKafkaConfig, runMain } from '@cp/runtime';

/** The public API as its own process, reaching the services over Kafka. */
runMain(async () => {
  const env = envReader();
  const kafka = readKafkaConfig(env);
  const port = env.port('PORT', 3000);
  const host = env.optional('HOST') ?? '0.0.0.0';
  const keysJson = env.required('API_KEYS', 'a JSON array of {"key","sites","scopes"} (see README)');
  env.done();
  let apiKeys;
  try {
    apiKeys = parseApiKeys(keysJson);
  } catch (error) {
    throw error instanceof ApiKeyConfigError ? new ConfigError(`Configuration error:\n  - ${error.message}`) : error;
  }

  await ensureTopics(kafka);
  const [contacts, labels, extendedFields] = await Promise.all([
    kafkaServiceClient('gateway', 'contacts', Object.values(ContactsPatterns), kafka),
    kafkaServiceClient('gateway', 'labels', Object.values(LabelsPatterns), kafka),
    kafkaServiceClient('gateway', 'extended-fields', Object.values(ExtendedFieldsPatterns), kafka),
  ]);
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register({ services: { contacts: contacts.client, labels: labels.client, extendedFields: extendedFields.client }, apiKeys }),
    gatewayHttpAdapter(),
  );
  setupOpenApi(app as INestApplication);
  app.enableShutdownHooks();
  await app.listen(port, host);
  console.log(`gateway listening on http://${host}:${port}`);
});
