import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ContactsMessageController, ContactsServiceModule } from '@cp/contacts-service';
import { ExtendedFieldsPatterns, LabelsPatterns } from '@cp/contracts';
import { envReader, ensureTopics, kafkaPublisher, kafkaServerOptions, kafkaServiceClient, openEventStore, openReadStore, readKafkaConfig, readStoreConfig, runMain, startHealthServer } from '@cp/runtime';

/** The contacts service as its own process: Kafka transport, EventStoreDB (or SQLite) and MongoDB. */
runMain(async () => {
  const env = envReader();
  const stores = readStoreConfig(env);
  const kafka = readKafkaConfig(env);
  const healthPort = env.port('HEALTH_PORT', 0);
  const host = env.optional('HOST') ?? '0.0.0.0';
  env.done();

  await ensureTopics(kafka);
  const labels = await kafkaServiceClient('contacts-service', 'labels', [LabelsPatterns.get, LabelsPatterns.list], kafka);
  const fields = await kafkaServiceClient('contacts-service', 'extended-fields', [ExtendedFieldsPatterns.definition], kafka);
  const service = await NestFactory.createMicroservice(
    ContactsServiceModule.register({
      eventStore: openEventStore(stores, 'contacts'),
      readStore: await openReadStore(stores, 'contacts'),
      labels: labels.client,
      extendedFields: fields.client,
      bus: kafkaPublisher('contacts-service', kafka),
    }),
    kafkaServerOptions('contacts-service', kafka),
  );
  service.enableShutdownHooks();
  await service.listen();
  if (healthPort) await startHealthServer(healthPort, host, () => service.get(ContactsMessageController).health());
  console.log('contacts-service ready');
});
