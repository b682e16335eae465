import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExtendedFieldsMessageController, ExtendedFieldsServiceModule } from '@cp/extended-fields-service';
import { envReader, ensureTopics, kafkaPublisher, kafkaServerOptions, openEventStore, openReadStore, readKafkaConfig, readStoreConfig, runMain, startHealthServer } from '@cp/runtime';

/** The extended-fields service as its own process. */
runMain(async () => {
  const env = envReader();
  const stores = readStoreConfig(env);
  const kafka = readKafkaConfig(env);
  const healthPort = env.port('HEALTH_PORT', 0);
  const host = env.optional('HOST') ?? '0.0.0.0';
  env.done();

  await ensureTopics(kafka);
  const service = await NestFactory.createMicroservice(
    ExtendedFieldsServiceModule.register({
      eventStore: openEventStore(stores, 'extended-fields'),
      readStore: await openReadStore(stores, 'extended_fields'),
      bus: kafkaPublisher('extended-fields-service', kafka),
    }),
    kafkaServerOptions('extended-fields-service', kafka),
  );
  service.enableShutdownHooks();
  await service.listen();
  if (healthPort) await startHealthServer(healthPort, host, () => service.get(ExtendedFieldsMessageController).health());
  console.log('extended-fields-service ready');
});
