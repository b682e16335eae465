import 'reflect-metadata';
import { DEFAULT_LABEL_QUOTA, LabelsMessageController, LabelsServiceModule } from '@cp/labels-service';
import { kafkaPublisher, openEventStore, openReadStore, runMain, serveOverKafka } from '@cp/runtime';

/** The labels service as its own process. */
runMain(() =>
  serveOverKafka({
    name: 'labels-service',
    settings: (env) => ({ labelQuota: env.positiveInt('LABEL_QUOTA', DEFAULT_LABEL_QUOTA) }),
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
