import './tracing';
import 'reflect-metadata';
import { runMain } from '@cp/config';
import { openDataKeys, openEventStore, openReadStore, serveOverKafka } from '@cp/runtime';
import { WebhooksMessageController, WebhooksServiceModule } from '@cp/webhooks-service';
import { webhooksServiceEnv } from './config';

/**
 * The webhooks service as its own process. Its consumer groups read the public-event topics
 * (`webhooks-service-server`) and its request topics (`webhooks-service-server-requests`);
 * replicas share their work through the event store (EventStoreDB, PostgreSQL, or one SQLite
 * file on one host), each named by INSTANCE_ID in delivery leases.
 */
runMain(() =>
  serveOverKafka({
    name: 'webhooks-service',
    env: webhooksServiceEnv,
    module: async ({ stores, kafka, settings }) =>
      WebhooksServiceModule.register({
        eventStore: openEventStore(stores, 'webhooks'),
        dataKeys: await openDataKeys(stores, settings.dataKeys),
        readStore: await openReadStore(stores, 'webhooks'),
        signingKeys: settings.signingKeys,
        config: settings.config,
        workerId: kafka.instanceId,
      }),
    health: (service) => service.get(WebhooksMessageController).health(),
    // On its first start it reads the public topics from the start: events published before it ran reach the feed (which drops repeats).
    fromBeginning: true,
  }),
);
