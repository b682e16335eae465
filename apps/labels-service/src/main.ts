import './tracing';
import 'reflect-metadata';
import { runMain } from '@cp/config';
import { LabelsMessageController, LabelsServiceModule } from '@cp/labels-service';
import { kafkaPublisher, openEventStore, openReadStore, serveOverKafka } from '@cp/runtime';
import { labelsServiceEnv } from './config';

/** The labels service as its own process. */
runMain(() =>
  serveOverKafka({
    name: 'labels-service',
    env: labelsServiceEnv,
    module: async ({ stores, kafka, settings }) =>
      LabelsServiceModule.register({
        eventStore: openEventStore(stores, 'labels'),
        readStore: await openReadStore(stores, 'labels'),
        bus: kafkaPublisher('labels-service', kafka),
        labelQuota: settings.labelQuota,
      }),
    health: (service) => service.get(LabelsMessageController).health(),
  }),
);
