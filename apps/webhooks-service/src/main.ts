import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { EnvReader, openEventStore, openReadStore, runMain, serveOverKafka } from '@cp/runtime';
import { loadSigningKeys, readWebhooksConfig, WebhooksMessageController, WebhooksServiceModule } from '@cp/webhooks-service';

/**
 * The webhooks service as its own process. Its consumer group (`webhooks-service`) reads its
 * request topics and the public-event topics; replicas share their work through the event store
 * (EventStoreDB, or one SQLite file on one host), each named by INSTANCE_ID in delivery leases.
 */
runMain(() =>
  serveOverKafka({
    name: 'webhooks-service',
    settings: (env) => {
      const { config, problems } = readWebhooksConfig(process.env);
      for (const problem of problems) report(env, problem);
      return { config, signingKeys: env.parsed('WEBHOOK_PRIVATE_KEY', () => loadSigningKeys({ privateKeyPem: sharedPrivateKey(env) }), undefined) };
    },
    module: async ({ stores, kafka, settings }) =>
      WebhooksServiceModule.register({
        eventStore: openEventStore(stores, 'webhooks'),
        readStore: await openReadStore(stores, 'webhooks'),
        signingKeys: settings.signingKeys!,
        config: settings.config,
        workerId: kafka.instanceId,
      }),
    health: (service) => service.get(WebhooksMessageController).health(),
    // On its first start it reads the public topics from the start: events published before it ran reach the feed (which drops repeats).
    fromBeginning: true,
  }),
);

/** Replicas must sign with one key, so none is generated here: it comes from the variable or a file (a Docker secret). */
function sharedPrivateKey(env: EnvReader): string {
  const pem = env.optional('WEBHOOK_PRIVATE_KEY');
  const file = env.optional('WEBHOOK_SIGNING_KEY_FILE');
  if (pem && file) throw new Error('set WEBHOOK_PRIVATE_KEY or WEBHOOK_SIGNING_KEY_FILE, not both');
  if (file) {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`WEBHOOK_SIGNING_KEY_FILE: cannot read ${file}: ${(error as Error).message}`);
    }
  }
  if (!pem) {
    throw new Error(
      'WEBHOOK_PRIVATE_KEY (a PEM RSA private key) or WEBHOOK_SIGNING_KEY_FILE is required: every replica signs with the same key, e.g. openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048',
    );
  }
  return pem;
}

/** A problem readWebhooksConfig found, listed with the others (each starts with its variable's name). */
function report(env: EnvReader, problem: string): void {
  env.parsed(/^\w+/.exec(problem)?.[0] ?? 'WEBHOOK', () => {
    throw new Error(problem);
  }, undefined);
}
