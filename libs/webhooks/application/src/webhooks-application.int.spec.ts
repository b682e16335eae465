import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivedUuid, PublishedPublicEvent, RequestContext } from '@cp/contracts';
import { DataKeys, InMemoryDataKeyStore, newMasterKey, SqliteEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { generateWebhookSecret, HttpWebhookSender, loadSigningKeys, signWixWebhook, standardWebhookHeaders, wixWebhookPayload } from '@cp/webhooks-delivery';
import { DeliveriesReadModel } from './deliveries-read-model';
import { DeliveryScheduler } from './delivery-scheduler';
import { DeliveryWorker } from './delivery-worker';
import { EventFeed } from './feed';
import { FEED_PREFIX } from './streams';
import { SubscriptionDirectory } from './subscription-directory';
import { Subscriptions } from './subscriptions';
import { createWebhooksApplication, WebhooksApplication } from './webhooks-application';
import { WebhookSigner, WebhookTransport } from './ports';

/**
 * The webhooks application on real stores and a real HTTP receiver: the feed stores each event
 * once, and two instances sharing one event store (two replicas) deliver every event exactly
 * once between them while both are alive.
 */
const site: RequestContext = { siteId: 'site-w', actor: { type: 'API_KEY', id: 'admin' }, correlationId: 'c' };
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
/** One deployment's data keys: every instance on the store shares them. */
const dataKeys = new DataKeys(new InMemoryDataKeyStore(), newMasterKey());
const keys = loadSigningKeys({ dataDir: mkdtempSync(join(tmpdir(), 'webhook-keys-')) });
const signer: WebhookSigner = {
  publicKeyPem: keys.publicKeyPem,
  keyId: keys.keyId,
  signWixJwt: (event) => signWixWebhook(keys, wixWebhookPayload(event)),
  standardWebhookHeaders: (secret, id, timestamp, body) => ({ ...standardWebhookHeaders(secret, id, timestamp, body) }),
  newSecret: generateWebhookSecret,
};

function transport(): WebhookTransport {
  const sender = new HttpWebhookSender({ timeoutMs: 1250, allowPrivateTargets: true });
  return { checkTarget: async () => undefined, send: (request) => sender.send(request) };
}

function published(entityId: string, revision: number, ordinal = 0): PublishedPublicEvent {
  return {
    event: {
      id: derivedUuid(entityId, revision, ordinal),
      eventType: 'wix.contacts.v4.contact_created',
      instanceId: site.siteId,
      entityFqdn: 'wix.contacts.v4.contact',
      slug: 'created',
      entityId,
      eventTime: new Date().toISOString(),
      triggeredByAnonymizeRequest: false,
      entityEventSequence: 0,
      createdEvent: { entity: { id: entityId } },
      identity: { identityType: 'APP', appId: 'admin' },
    },
    sourcePosition: [revision, ordinal],
  };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('webhooks application', () => {
  let dir: string;
  let receiver: Server;
  let url: string;
  const bodies: string[] = [];
  const apps: WebhooksApplication[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'webhooks-app-'));
    bodies.length = 0;
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(workerId: string): Promise<{ app: WebhooksApplication; store: SqliteEventStore }> {
    const store = new SqliteEventStore(join(dir, 'webhooks-events.sqlite'));
    const app = createWebhooksApplication({
      eventStore: store,
      dataKeys,
      readStore: new EmbeddedReadStore(),
      signer,
      transport: transport(),
      settings: { retryScheduleMs: [100], timeoutMs: 1250, concurrencyPerSubscription: 4, workerId, sweepIntervalMs: 200 },
      logger: quiet,
    });
    await app.start();
    apps.push(app);
    return { app, store };
  }

  it('stores an event once however often it is published, and numbers each entity’s events', async () => {
    const { app } = await start('w1');
    expect(await app.feed.record(published('c-1', 0))).toBe(true);
    expect(await app.feed.record(published('c-1', 0))).toBe(false);
    expect(await app.feed.record(published('c-2', 0))).toBe(true);
    expect(await app.feed.record(published('c-1', 1))).toBe(true);
    expect(await app.feed.record(published('c-1', 1, 1))).toBe(true);
    // An older one arriving late (a relay replaying from an earlier checkpoint) is a repeat.
    expect(await app.feed.record(published('c-1', 1))).toBe(false);
    const page = await app.feed.page(site.siteId, { limit: 100 });
    expect(page.events.map((e) => [e.entityId, e.entityEventSequence])).toEqual([
      ['c-1', 1],
      ['c-2', 1],
      ['c-1', 2],
      ['c-1', 3],
    ]);
    expect((await app.feed.page('another-site', {})).events).toEqual([]);
  });

  it('shares delivery between two instances on one store and sends every event exactly once', async () => {
    const one = await start('w1');
    const two = await start('w2');
    const { subscription } = await one.app.subscriptions.create(site, { url, eventTypes: ['wix.contacts.v4.contact_created'], format: 'STANDARD_WEBHOOKS' });
    // The second instance answers with the subscription the first one created.
    expect((await two.app.subscriptions.list(site)).subscriptions.map((s) => s.id)).toEqual([subscription.id]);
    const count = 120;
    await Promise.all(Array.from({ length: count }, (_, i) => (i % 2 === 0 ? one : two).app.feed.record(published(`c-${i}`, 0))));
    await until(() => bodies.length >= count);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Standard Webhooks bodies carry the event as JSON: the receiver counts them by id.
    const ids = bodies.map((body) => (JSON.parse(body) as { data: { id: string } }).data.id);
    expect(new Set(ids).size).toBe(count);
    expect(ids).toHaveLength(count);

    // Both workers did part of it.
    const attempts = (await one.store.readAll({ streamPrefixes: ['webhookdelivery-'] })).filter((e) => e.type === 'WebhookDeliveryAttempted');
    const byWorker = new Set(attempts.map((e) => (e.data as { worker: string }).worker));
    expect(byWorker).toEqual(new Set(['w1', 'w2']));
    // Outcomes are recorded after the receiver has the bodies, and the read model follows them.
    let delivered = 0;
    for (let waited = 0; waited < 10_000 && delivered < count; waited += 50) {
      delivered = (await one.app.deliveries.list(site, subscription.id, { status: 'DELIVERED', limit: 1000 })).pagingMetadata.total;
      if (delivered < count) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(delivered).toBe(count);
  });

  it('keeps each entity’s events in order between two instances sharing the store', async () => {
    const one = await start('w1');
    const two = await start('w2');
    const { subscription } = await one.app.subscriptions.create(site, { url, eventTypes: ['wix.contacts.v4.contact_created'], format: 'STANDARD_WEBHOOKS' });
    const entities = Array.from({ length: 30 }, (_, i) => `e-${i}`);
    const perEntity = 4;
    // Each entity's events in their order, recorded by either instance in turn, entities interleaved.
    await Promise.all(
      entities.map(async (entityId, i) => {
        for (let revision = 0; revision < perEntity; revision++) await ((i + revision) % 2 === 0 ? one : two).app.feed.record(published(entityId, revision));
      }),
    );
    await until(() => bodies.length >= entities.length * perEntity, 20_000);
    const order = new Map<string, string[]>();
    for (const body of bodies) {
      const { data } = JSON.parse(body) as { data: { id: string; entityId: string } };
      order.set(data.entityId, [...(order.get(data.entityId) ?? []), data.id]);
    }
    for (const entityId of entities) {
      expect(order.get(entityId)).toEqual(Array.from({ length: perEntity }, (_, revision) => published(entityId, revision).event.id));
    }
    // Every outcome recorded, and the read model shows them: nothing left pending.
    let pending = -1;
    for (let waited = 0; waited < 10_000 && pending !== 0; waited += 50) {
      pending = (await one.app.deliveries.list(site, subscription.id, { status: 'PENDING' })).pagingMetadata.total;
      if (pending !== 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(pending).toBe(0);
  });

  it('takes over a delivery whose worker died mid-attempt once its lease ends, and sends it once', async () => {
    // A worker that scheduled the delivery and leased it, then died (it never records an outcome).
    const store = new SqliteEventStore(join(dir, 'webhooks-events.sqlite'));
    const { subscription } = await new Subscriptions(store, signer, transport()).create(site, { url, eventTypes: ['wix.contacts.v4.contact_created'], format: 'STANDARD_WEBHOOKS' });
    const directory = new SubscriptionDirectory();
    (await store.readAll()).forEach((event) => directory.apply(event));
    const feed = new EventFeed(store);
    const event = published('c-dead', 0);
    await feed.record(event);
    const [feedAt] = (await store.readAll({ streamPrefixes: [FEED_PREFIX] })).map((stored) => stored.globalPosition);
    const settings = { retryScheduleMs: [100], timeoutMs: 1250, concurrencyPerSubscription: 4, workerId: 'w-dead', sweepIntervalMs: 60_000 };
    const dead = new DeliveryWorker(store, feed, directory, new DeliveriesReadModel(store, new EmbeddedReadStore(), quiet), signer, transport(), settings, quiet);
    await new DeliveryScheduler(store, dead).schedule(directory.get(site.siteId, subscription.id)!, event.event, feedAt);
    const [scheduled] = await store.readAll({ streamPrefixes: ['webhookdelivery-'] });
    const leaseUntil = Date.now() + 1_500;
    await store.append(scheduled.streamId, [{ type: 'WebhookDeliveryAttemptStarted', data: { attempt: 1, worker: 'w-dead', leaseUntil: new Date(leaseUntil).toISOString() }, metadata: { siteId: site.siteId } }], scheduled.revision);
    await store.close();

    const live = await start('w-live');
    await until(() => bodies.length >= 1, 10_000);
    const arrivedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bodies.map((body) => (JSON.parse(body) as { data: { id: string } }).data.id)).toEqual([event.event.id]);
    // Not before the dead worker's lease ended: it might still have been sending.
    expect(arrivedAt).toBeGreaterThanOrEqual(leaseUntil);
    const attempts = (await live.store.readStream(scheduled.streamId)).filter((e) => e.type === 'WebhookDeliveryAttemptStarted').map((e) => (e.data as { worker: string }).worker);
    expect(attempts).toEqual(['w-dead', 'w-live']);
  });

  it('as the sole worker, takes no lease and sends what storage held before what was handed on meanwhile', async () => {
    const store = new SqliteEventStore(join(dir, 'webhooks-events.sqlite'));
    const { subscription } = await new Subscriptions(store, signer, transport()).create(site, { url, eventTypes: ['wix.contacts.v4.contact_created'], format: 'STANDARD_WEBHOOKS' });
    const directory = new SubscriptionDirectory();
    (await store.readAll()).forEach((event) => directory.apply(event));
    const feed = new EventFeed(store);
    const [earlier, later] = [published('c-1', 0), published('c-1', 1)];
    await feed.record(earlier);
    await feed.record(later);
    const [earlierAt, laterAt] = (await store.readAll({ streamPrefixes: [FEED_PREFIX] })).map((event) => event.globalPosition);
    const state = directory.get(site.siteId, subscription.id)!;
    // The earlier delivery is pending in storage (scheduled before a restart) ...
    await new DeliveryScheduler(store, { offer: () => undefined } as unknown as DeliveryWorker).schedule(state, earlier.event, earlierAt);
    const readModel = new DeliveriesReadModel(store, new EmbeddedReadStore(), quiet);
    const settings = { retryScheduleMs: [100], timeoutMs: 1250, concurrencyPerSubscription: 4, workerId: 'standalone', soleWorker: true, sweepIntervalMs: 200 };
    const worker = new DeliveryWorker(store, feed, directory, readModel, signer, transport(), settings, quiet);
    // ... and the later one is handed on by the dispatcher before the worker's first sweep.
    await new DeliveryScheduler(store, worker).schedule(state, later.event, laterAt);
    await readModel.start();
    await readModel.runner.waitUntilCaughtUp();
    worker.start();
    try {
      await until(() => bodies.length >= 2);
      const ids = bodies.map((body) => (JSON.parse(body) as { data: { id: string } }).data.id);
      expect(ids).toEqual([earlier.event.id, later.event.id]);
      // The receiver has the bodies before the worker records the outcomes.
      let types: string[] = [];
      const attempted = () => types.filter((type) => type === 'WebhookDeliveryAttempted').length;
      for (let waited = 0; waited < 5000 && attempted() < 2; waited += 20) {
        types = (await store.readAll({ streamPrefixes: ['webhookdelivery-'] })).map((event) => event.type);
        if (attempted() < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(attempted()).toBe(2);
      expect(types).not.toContain('WebhookDeliveryAttemptStarted');
    } finally {
      await worker.stop();
      await readModel.stop();
      await store.close();
    }
  });

  it('as a worker sharing the store, attempts what the dispatcher handed on before the worker started', async () => {
    const store = new SqliteEventStore(join(dir, 'webhooks-events.sqlite'));
    const { subscription } = await new Subscriptions(store, signer, transport()).create(site, { url, eventTypes: ['wix.contacts.v4.contact_created'], format: 'STANDARD_WEBHOOKS' });
    const directory = new SubscriptionDirectory();
    (await store.readAll()).forEach((event) => directory.apply(event));
    const feed = new EventFeed(store);
    const event = published('c-2', 0);
    await feed.record(event);
    const [feedAt] = (await store.readAll({ streamPrefixes: [FEED_PREFIX] })).map((stored) => stored.globalPosition);
    const readModel = new DeliveriesReadModel(store, new EmbeddedReadStore(), quiet);
    const settings = { retryScheduleMs: [100], timeoutMs: 1250, concurrencyPerSubscription: 4, workerId: 'w1', sweepIntervalMs: 60_000 };
    const worker = new DeliveryWorker(store, feed, directory, readModel, signer, transport(), settings, quiet);
    await readModel.start();
    // Handed on at a restart, while the dispatcher catches up and before the worker starts; held
    // here, so no sweep (a minute away) offers it again.
    await new DeliveryScheduler(store, worker).schedule(directory.get(site.siteId, subscription.id)!, event.event, feedAt);
    worker.start();
    try {
      await until(() => bodies.length >= 1);
      expect(bodies.map((body) => (JSON.parse(body) as { data: { id: string } }).data.id)).toEqual([event.event.id]);
    } finally {
      await worker.stop();
      await readModel.stop();
      await store.close();
    }
  });
});
