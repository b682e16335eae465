import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DEFAULT_LABEL_QUOTA, LabelsMessageController, LabelsServiceModule } from '@cp/labels-service';
import { envReader, ensureTopics, kafkaPublisher, kafkaServerOptions, openEventStore, openReadStore, readKafkaConfig, readStoreConfig, runMain, startHealthServer } from '@cp/runtime';

/** The labels service as its own process. */
runMain(async () => {
  const env = envReader();
  const stores = readStoreConfig(env);
  const kafka = readKafkaConfig(env);
  const labelQuota = env.positiveInt('LABEL_QUOTA', DEFAULT_LABEL_QUOTA);
  const healthPort = env.port('HEALTH_PORT', 0);
  const host = env.optional('HOST') ?? '0.0.0.0';
  env.done();

  await ensureTopics(kafka);
  const service = await NestFactory.createMicroservice(
    LabelsServiceModule.register({
      eventStore: openEventStore(stores, 'labels'),
      readStore: await openReadStore(stores, 'labels'),
      bus: kafkaPublisher('labels-service', kafka),
      labelQuota,
    }),
    kafkaServerOptions('labels-service', kafka),
  );
  service.enableShutdownHooks();
  await service.listen();
  if (healthPort) await startHealthServer(healthPort, host, () => service.get(LabelsMessageController).health());
  console.log('labels-service ready');
});
