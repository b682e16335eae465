import './tracing';
import 'reflect-metadata';
import { runMain } from '@cp/config';
import { ExtendedFieldsMessageController, ExtendedFieldsServiceModule } from '@cp/extended-fields-service';
import { kafkaPublisher, openEventStore, openReadStore, serveOverKafka } from '@cp/runtime';
import { extendedFieldsServiceEnv } from './config';

/** The extended-fields service as its own process. */
runMain(() =>
  serveOverKafka({
    name: 'extended-fields-service',
    env: extendedFieldsServiceEnv,
    module: async ({ stores, kafka }) =>
      ExtendedFieldsServiceModule.register({
        eventStore: openEventStore(stores, 'extended-fields'),
        readStore: await openReadStore(stores, 'extended_fields'),
        bus: kafkaPublisher('extended-fields-service', kafka),
      }),
    health: (service) => service.get(ExtendedFieldsMessageController).health(),
  }),
);
