import './tracing';
import 'reflect-metadata';
import { runMain } from '@cp/config';
import { ContactsMessageController, ContactsServiceModule } from '@cp/contacts-service';
import { ExtendedFieldsPatterns, LabelsPatterns } from '@cp/contracts';
import { kafkaPublisher, kafkaServiceClient, openDataKeys, openEventStore, openReadStore, serveOverKafka } from '@cp/runtime';
import { contactsServiceEnv } from './config';

/** The contacts service as its own process: Kafka transport, EventStoreDB (or SQLite) and MongoDB. */
runMain(() =>
  serveOverKafka({
    name: 'contacts-service',
    env: contactsServiceEnv,
    module: async ({ stores, kafka, settings }) => {
      // It asks the labels and extended-fields services about definitions its copy does not know yet, and finds or creates labels (imports).
      const labels = await kafkaServiceClient('contacts-service', 'labels', [LabelsPatterns.get, LabelsPatterns.list, LabelsPatterns.findOrCreate], kafka);
      const fields = await kafkaServiceClient('contacts-service', 'extended-fields', [ExtendedFieldsPatterns.definition, ExtendedFieldsPatterns.query], kafka);
      return ContactsServiceModule.register({
        eventStore: openEventStore(stores, 'contacts'),
        dataKeys: await openDataKeys(stores, settings.dataKeys),
        readStore: await openReadStore(stores, 'contacts'),
        labels: labels.client,
        extendedFields: fields.client,
        bus: kafkaPublisher('contacts-service', kafka),
      });
    },
    health: (service) => service.get(ContactsMessageController).health(),
  }),
);
