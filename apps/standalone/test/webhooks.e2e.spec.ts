import { PUBLIC_EVENT_TYPES } from '@cp/contracts';
import { Webhook } from 'standardwebhooks';
import { describeStandaloneOnly, eventually, Harness, KEYS, startHarness, uniqueSite } from './harness';
import { WixWebhookReceiver } from './webhook-receiver';

/**
 * Webhooks and the change feed end to end: the platform's own HTTP API, a real HTTP receiver
 * verifying every body with Wix's SDK (AppStrategy + webhooks.process), retries, redelivery,
 * replay, loop suppression, tenancy and the feed.
 */
jest.setTimeout(30_000);

describe('webhooks and the change feed', () => {
  let app: Harness;
  let publicKey: string;
  const receivers: WixWebhookReceiver[] = [];

  beforeAll(async () => {
    app = await startHarness();
    const answer = await app.call('GET', '/webhooks/v1/public-key', { key: null, site: null });
    expect(answer.status).toBe(200);
    publicKey = answer.body.publicKey;
    expect(publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await app.stop();
  });

  async function receiver(): Promise<WixWebhookReceiver> {
    const r = new WixWebhookReceiver(publicKey);
    await r.start();
    receivers.push(r);
    return r;
  }

  const admin = (site: string) => ({ key: KEYS.everything, site });

  async function subscribe(site: string, url: string, extra: Record<string, unknown> = {}, key = KEYS.everything) {
    const created = await app.call('POST', '/webhooks/v1/subscriptions', { key, site, body: { subscription: { url, eventTypes: [...PUBLIC_EVENT_TYPES], ...extra } } });
    expect(created.status).toBe(200);
    return created.body.subscription;
  }

  async function createContact(site: string, first: string, email?: string, key = KEYS.everything) {
    const created = await app.call('POST', '/contacts/v4/contacts', { key, site, body: { info: { name: { first }, ...(email && { emails: { items: [{ email }] } }) } } });
    expect(created.status).toBe(200);
    return created.body.contact;
  }

  it('delivers every event type to a receiver built with Wix SDK, in order per entity', async () => {
    const site = uniqueSite('wh-all');
    const r = await receiver();
    const subscription = await subscribe(site, r.url);
    expect(subscription).toMatchObject({ url: r.url, format: 'WIX_JWT', excludeOwnChanges: false, status: 'ACTIVE' });
    expect(subscription.secret).toBeUndefined();

    const ada = await createContact(site, 'Ada', 'ada@example.com');
    const updated = await app.call('PATCH', `/contacts/v4/contacts/${ada.id}`, { ...admin(site), body: { revision: ada.revision, info: { name: { first: 'Ada', last: 'Lovelace' } } } });
    expect(updated.status).toBe(200);
    const label = await app.call('POST', '/contacts/v4/labels', { ...admin(site), body: { displayName: 'VIP' } });
    const labelKey = label.body.label.key;
    await app.call('PATCH', `/contacts/v4/labels/${labelKey}`, { ...admin(site), body: { label: { displayName: 'Very important' } } });
    const field = await app.call('POST', '/contacts/v4/extended-fields', { ...admin(site), body: { displayName: 'External id', dataType: 'TEXT' } });
    expect(field.status).toBe(200);
    const fieldKey = field.body.field.key;
    await app.call('PATCH', `/contacts/v4/extended-fields/${fieldKey}`, { ...admin(site), body: { field: { displayName: 'External CRM id' } } });
    const grace = await createContact(site, 'Grace', 'grace@example.com');
    const target = (await app.call('GET', `/contacts/v4/contacts/${ada.id}`, admin(site))).body.contact;
    const merged = await app.call('POST', `/contacts/v4/contacts/${ada.id}/merge`, { ...admin(site), body: { sourceContactIds: [grace.id], targetContactRevision: target.revision } });
    expect(merged.status).toBe(200);
    await app.call('DELETE', `/contacts/v4/labels/${labelKey}`, admin(site));
    await app.call('DELETE', `/contacts/v4/extended-fields/${fieldKey}`, admin(site));
    expect((await app.call('DELETE', `/contacts/v4/contacts/${ada.id}`, admin(site))).status).toBe(200);

    await eventually(async () => {
      expect(r.of('wix.contacts.v4.contact_deleted').map((e) => e.metadata.entityId)).toEqual(expect.arrayContaining([grace.id, ada.id]));
      expect(r.received.map((e) => e.eventType + ' ' + e.metadata.entityId)).toContain('wix.contacts.v4.extended-field_deleted ' + fieldKey);
      expect(r.of('wix.contacts.v4.label_deleted')).toHaveLength(1);
    }, 10_000);

    const created = r.of('wix.contacts.v4.contact_created');
    expect(created.map((e) => e.entity._id)).toEqual([ada.id, grace.id]);
    expect(created[0].entity).toMatchObject({ info: { name: { first: 'Ada' } }, primaryInfo: { email: 'ada@example.com' } });
    expect(created[0].metadata).toMatchObject({ instanceId: site, entityId: ada.id, entityFqdn: 'wix.contacts.v4.contact', slug: 'created', identity: { identityType: 'APP', appId: 'admin' } });
    expect(r.of('wix.contacts.v4.contact_updated')[0].entity.info.name).toEqual({ first: 'Ada', last: 'Lovelace' });
    const [merge] = r.of('wix.contacts.v4.contact_merged');
    expect(merge.data).toMatchObject({ targetContactId: ada.id, sourceContactIds: [grace.id], targetContact: { _id: ada.id } });
    const graceDeleted = r.of('wix.contacts.v4.contact_deleted').find((e) => e.metadata.entityId === grace.id)!;
    expect(graceDeleted.metadata.originatedFrom).toBe('merge');
    expect(r.of('wix.contacts.v4.contact_updated').some((e) => e.metadata.originatedFrom === 'merge' && e.entity._id === ada.id)).toBe(true);
    expect(r.of('wix.contacts.v4.label_created').map((e) => e.entity.key)).toContain(labelKey);
    expect(r.of('wix.contacts.v4.label_updated').find((e) => e.entity.key === labelKey)!.entity.displayName).toBe('Very important');
    expect(r.of('wix.contacts.v4.extended-field_created').map((e) => e.entity.key)).toContain(fieldKey);
    expect(r.of('wix.contacts.v4.extended-field_updated').find((e) => e.entity.key === fieldKey)!.entity.displayName).toBe('External CRM id');

    // Per entity, the receiver saw the events in order, numbered 1, 2, 3...
    const adaSequences = r.received.filter((e) => e.metadata.entityId === ada.id).map((e) => e.metadata.entityEventSequence);
    expect(adaSequences).toEqual(adaSequences.map((_, i) => i + 1));
    // Every event id arrived once.
    const ids = r.received.map((e) => e.metadata._id);
    expect(new Set(ids).size).toBe(ids.length);

    // The deliveries log is a read model: distributed, it may trail the receiver a little.
    await eventually(async () => {
      const deliveries = await app.call('GET', `/webhooks/v1/subscriptions/${subscription.id}/deliveries?status=DELIVERED&paging.limit=1000`, admin(site));
      expect(deliveries.status).toBe(200);
      expect(deliveries.body.deliveries).toHaveLength(r.received.length);
      expect(deliveries.body.deliveries[0]).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 200, subscriptionId: subscription.id });
    });
  });

  it("serves the same events in the change feed, in order, without gaps or repeats, and only the caller's site", async () => {
    const site = uniqueSite('wh-feed');
    const r = await receiver();
    await subscribe(site, r.url, { eventTypes: ['wix.contacts.v4.contact_created', 'wix.contacts.v4.contact_updated', 'wix.contacts.v4.contact_deleted'] });
    const other = uniqueSite('wh-feed-other');
    await createContact(other, 'Elsewhere');
    const people = [];
    for (const name of ['A', 'B', 'C', 'D', 'E']) people.push(await createContact(site, name));
    await app.call('DELETE', `/contacts/v4/contacts/${people[0].id}`, admin(site));
    await eventually(async () => expect(r.received).toHaveLength(6), 10_000);

    const all = await app.call('GET', '/events/v1/events?limit=1000', admin(site));
    expect(all.status).toBe(200);
    expect(all.body.hasMore).toBe(false);
    expect(all.body.events.every((e: { instanceId: string }) => e.instanceId === site)).toBe(true);
    // In commit order; the same ids the webhooks carried (which may arrive in another order across entities).
    expect(all.body.events.map((e: { eventType: string; entityId: string }) => `${e.eventType.split('.').pop()} ${e.entityId}`)).toEqual([
      ...people.map((p) => `contact_created ${p.id}`),
      `contact_deleted ${people[0].id}`,
    ]);
    expect(all.body.events.map((e: { id: string }) => e.id).sort()).toEqual(r.received.map((e) => e.metadata._id).sort());
    expect(all.body.events.at(-1)).toMatchObject({ eventType: 'wix.contacts.v4.contact_deleted', entityId: people[0].id, deletedEvent: { deletedEntity: { id: people[0].id } } });

    // Paging by two from the start gives the same list.
    const paged: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const page = await app.call('GET', `/events/v1/events?limit=2&cursor=${cursor}`, admin(site));
      paged.push(...page.body.events.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
      if (!page.body.hasMore) break;
    }
    expect(paged).toEqual(all.body.events.map((e: { id: string }) => e.id));

    const deletes = await app.call('GET', '/events/v1/events?eventTypes=wix.contacts.v4.contact_deleted', admin(site));
    expect(deletes.body.events.map((e: { entityId: string }) => e.entityId)).toEqual([people[0].id]);

    // A long poll from the head answers as soon as something happens.
    const waiting = app.call('GET', `/events/v1/events?cursor=${all.body.nextCursor}&waitMs=10000`, admin(site));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = await createContact(site, 'Late');
    const polled = await waiting;
    expect(polled.body.events.map((e: { entityId: string }) => e.entityId)).toEqual([late.id]);

    expect((await app.call('GET', '/events/v1/events?cursor=not-a-cursor', admin(site))).status).toBe(400);
    expect((await app.call('GET', '/events/v1/events?eventTypes=wix.contacts.v4.nope', admin(site))).status).toBe(400);
    expect((await app.call('GET', '/events/v1/events', { key: KEYS.readOnlyA, site: 'site-a' })).status).toBe(403);
  });

  it("never sends one site's events to another site's subscription", async () => {
    const siteA = uniqueSite('wh-ten-a');
    const siteB = uniqueSite('wh-ten-b');
    const ra = await receiver();
    const rb = await receiver();
    await subscribe(siteA, ra.url);
    const subB = await subscribe(siteB, rb.url);
    await createContact(siteA, 'Only A');
    await createContact(siteB, 'Only B');
    await eventually(async () => {
      expect(ra.of('wix.contacts.v4.contact_created')).toHaveLength(1);
      expect(rb.of('wix.contacts.v4.contact_created')).toHaveLength(1);
    });
    expect(ra.received.every((e) => e.metadata.instanceId === siteA)).toBe(true);
    expect(rb.received.every((e) => e.metadata.instanceId === siteB)).toBe(true);
    // Site A's key cannot see or change site B's subscription.
    expect((await app.call('GET', `/webhooks/v1/subscriptions/${subB.id}`, admin(siteA))).status).toBe(404);
    expect((await app.call('DELETE', `/webhooks/v1/subscriptions/${subB.id}`, admin(siteA))).status).toBe(404);
    expect((await app.call('GET', '/webhooks/v1/subscriptions', admin(siteA))).body.subscriptions.map((s: { id: string }) => s.id)).not.toContain(subB.id);
  });

  it('retries a failing receiver on the schedule, then fails; redelivery sends it again', async () => {
    const site = uniqueSite('wh-retry');
    const r = await receiver();
    r.respond = ({ index }) => (index < 2 ? 503 : 200);
    const subscription = await subscribe(site, r.url, { eventTypes: ['wix.contacts.v4.contact_created'] });
    await createContact(site, 'Flaky');
    await eventually(async () => expect(r.received).toHaveLength(1), 10_000);
    await eventually(async () => {
      const [delivered] = (await app.call('GET', `/webhooks/v1/subscriptions/${subscription.id}/deliveries`, admin(site))).body.deliveries;
      expect(delivered).toMatchObject({ status: 'DELIVERED', attempts: 3, lastStatusCode: 200 });
    });

    // Always failing: 1 attempt + 3 retries (the test schedule), then FAILED.
    r.respond = () => 500;
    await createContact(site, 'Doomed');
    let failed: { id: string } | undefined;
    await eventually(async () => {
      const list = await app.call('GET', `/webhooks/v1/subscriptions/${subscription.id}/deliveries?status=FAILED`, admin(site));
      expect(list.body.deliveries).toHaveLength(1);
      expect(list.body.deliveries[0]).toMatchObject({ attempts: 4, lastStatusCode: 500, lastError: expect.any(String) });
      failed = list.body.deliveries[0];
    }, 15_000);

    r.respond = () => 200;
    const redelivered = await app.call('POST', `/webhooks/v1/subscriptions/${subscription.id}/deliveries/${failed!.id}/redeliver`, admin(site));
    expect(redelivered.status).toBe(200);
    expect(redelivered.body.delivery.status).toBe('PENDING');
    await eventually(async () => expect(r.received.map((e) => e.entity.info.name.first)).toEqual(['Flaky', 'Doomed']), 10_000);
    await eventually(async () => {
      const after = await app.call('GET', `/webhooks/v1/subscriptions/${subscription.id}/deliveries?status=DELIVERED`, admin(site));
      expect(after.body.deliveries.map((d: { id: string }) => d.id)).toContain(failed!.id);
    });
  });

  it('holds later events of an entity while an earlier one is retrying; other entities go on', async () => {
    const site = uniqueSite('wh-order');
    const r = await receiver();
    let firstRefused = false;
    r.respond = ({ body }) => {
      const first = !firstRefused && body.length > 0;
      firstRefused = true;
      return first ? 500 : 200;
    };
    await subscribe(site, r.url, { eventTypes: ['wix.contacts.v4.contact_created', 'wix.contacts.v4.contact_updated'] });
    const held = await createContact(site, 'Held');
    await app.call('PATCH', `/contacts/v4/contacts/${held.id}`, { ...admin(site), body: { revision: held.revision, info: { name: { first: 'Held', last: 'Back' } } } });
    await eventually(async () => expect(r.received.filter((e) => e.metadata.entityId === held.id)).toHaveLength(2), 10_000);
    expect(r.received.filter((e) => e.metadata.entityId === held.id).map((e) => e.eventType)).toEqual(['wix.contacts.v4.contact_created', 'wix.contacts.v4.contact_updated']);
  });

  it('bounds the attempts in flight per subscription, and a slow receiver does not hold back another subscription', async () => {
    const site = uniqueSite('wh-slow');
    const slow = await receiver();
    const fast = await receiver();
    let inFlight = 0;
    let maxInFlight = 0;
    slow.delay = async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 400));
      inFlight -= 1;
    };
    await subscribe(site, slow.url, { eventTypes: ['wix.contacts.v4.contact_created'] });
    await subscribe(site, fast.url, { eventTypes: ['wix.contacts.v4.contact_created'] });
    for (let i = 0; i < 12; i++) await createContact(site, `Person ${i}`);
    // The fast receiver has everything long before the slow one (12 x 400 ms / 4 in flight = 1.2 s) is done.
    await eventually(async () => expect(fast.received).toHaveLength(12), 5_000);
    expect(slow.received.length).toBeLessThan(12);
    await eventually(async () => expect(slow.received).toHaveLength(12), 10_000);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });

  it("suppresses the owner's own changes with excludeOwnChanges, and delivers everyone else's", async () => {
    const site = uniqueSite('wh-loop');
    const r = await receiver();
    await subscribe(site, r.url, { eventTypes: ['wix.contacts.v4.contact_created'], excludeOwnChanges: true }, KEYS.syncApp);
    await createContact(site, 'From the sync app', undefined, KEYS.syncApp);
    await createContact(site, 'From someone else', undefined, KEYS.everything);
    await eventually(async () => expect(r.received).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.received.map((e) => e.entity.info.name.first)).toEqual(['From someone else']);
  });

  it('replays the site history from a date to a subscription, with the same event ids', async () => {
    const site = uniqueSite('wh-replay');
    const before = new Date().toISOString();
    const first = await receiver();
    await subscribe(site, first.url, { eventTypes: ['wix.contacts.v4.contact_created'] });
    await createContact(site, 'One');
    await createContact(site, 'Two');
    await eventually(async () => expect(first.received).toHaveLength(2));

    // A subscription created now receives nothing of the past, until it asks for a replay.
    const late = await receiver();
    const lateSubscription = await subscribe(site, late.url, { eventTypes: ['wix.contacts.v4.contact_created'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(late.received).toHaveLength(0);
    const replay = await app.call('POST', `/webhooks/v1/subscriptions/${lateSubscription.id}/replay`, { ...admin(site), body: { fromDate: before } });
    expect(replay.status).toBe(200);
    expect(replay.body.replayId).toEqual(expect.any(String));
    await eventually(async () => expect(late.received).toHaveLength(2));
    // The same ids; two entities' deliveries may arrive in either order (distributed, from two replicas).
    expect(late.received.map((e) => e.metadata._id).sort()).toEqual(first.received.map((e) => e.metadata._id).sort());
    expect((await app.call('POST', `/webhooks/v1/subscriptions/${lateSubscription.id}/replay`, { ...admin(site), body: { fromDate: 'yesterday' } })).status).toBe(400);
  });

  it('signs STANDARD_WEBHOOKS deliveries with the secret shown once at creation', async () => {
    const site = uniqueSite('wh-std');
    const r = await receiver();
    const created = await subscribe(site, r.url, { eventTypes: ['wix.contacts.v4.contact_created'], format: 'STANDARD_WEBHOOKS' });
    expect(created.secret).toMatch(/^whsec_/);
    const fetched = await app.call('GET', `/webhooks/v1/subscriptions/${created.id}`, admin(site));
    expect(fetched.body.subscription.secret).toBeUndefined();
    const contact = await createContact(site, 'Standard');
    await eventually(async () => expect(r.rawBodies).toHaveLength(1));
    const verified = new Webhook(created.secret).verify(r.rawBodies[0], r.headers[0] as Record<string, string>) as { type: string; data: { entityId: string } };
    expect(verified).toMatchObject({ type: 'wix.contacts.v4.contact_created', data: { entityId: contact.id } });
    expect(() => new Webhook('whsec_' + Buffer.from('another secret!!').toString('base64')).verify(r.rawBodies[0], r.headers[0] as Record<string, string>)).toThrow();
  });

  it('manages subscriptions: validation, update, pause, delete', async () => {
    const site = uniqueSite('wh-manage');
    const r = await receiver();
    const bad = await app.call('POST', '/webhooks/v1/subscriptions', { ...admin(site), body: { subscription: { url: 'ftp://example.com', eventTypes: ['wix.contacts.v4.contact_created'] } } });
    expect(bad.status).toBe(400);
    const unknown = await app.call('POST', '/webhooks/v1/subscriptions', { ...admin(site), body: { subscription: { url: r.url, eventTypes: ['contact_created'] } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.validationError.fieldViolations[0].field).toBe('subscription.eventTypes');
    expect((await app.call('POST', '/webhooks/v1/subscriptions', { key: KEYS.siteA, site: 'site-a', body: { subscription: { url: r.url, eventTypes: ['wix.contacts.v4.contact_created'] } } })).status).toBe(403);

    const subscription = await subscribe(site, r.url, { eventTypes: ['wix.contacts.v4.contact_created'] });
    const paused = await app.call('PATCH', `/webhooks/v1/subscriptions/${subscription.id}`, { ...admin(site), body: { subscription: { status: 'PAUSED' } } });
    expect(paused.body.subscription.status).toBe('PAUSED');
    await createContact(site, 'While paused');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(r.received).toHaveLength(0);
    await app.call('PATCH', `/webhooks/v1/subscriptions/${subscription.id}`, { ...admin(site), body: { subscription: { status: 'ACTIVE' } } });
    await eventually(async () => expect(r.received).toHaveLength(1), 5_000);
    expect((await app.call('PATCH', `/webhooks/v1/subscriptions/${subscription.id}`, { ...admin(site), body: { subscription: { format: 'STANDARD_WEBHOOKS' } } })).status).toBe(400);

    const list = await app.call('GET', '/webhooks/v1/subscriptions', admin(site));
    expect(list.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([subscription.id]);
    expect((await app.call('DELETE', `/webhooks/v1/subscriptions/${subscription.id}`, admin(site))).status).toBe(200);
    expect((await app.call('GET', `/webhooks/v1/subscriptions/${subscription.id}`, admin(site))).status).toBe(404);
    expect((await app.call('GET', '/webhooks/v1/subscriptions', admin(site))).body.subscriptions).toEqual([]);
    expect((await app.call('GET', '/webhooks/v1/subscriptions/not-a-guid', admin(site))).status).toBe(400);
  });

  describeStandaloneOnly('across a restart', () => {
    it('keeps pending deliveries across a restart and delivers them when the receiver is back', async () => {
      const site = uniqueSite('wh-restart');
      const r = await receiver();
      r.respond = () => 503;
      const subscription = await subscribe(site, r.url, { eventTypes: ['wix.contacts.v4.contact_created'] });
      await createContact(site, 'Survivor');
      await eventually(async () => expect(r.rawBodies.length).toBeGreaterThan(0));
      // Paused, its retries wait (whatever the short test schedule would do meanwhile) until it is resumed after the restart.
      await app.call('PATCH', `/webhooks/v1/subscriptions/${subscription.id}`, { ...admin(site), body: { subscription: { status: 'PAUSED' } } });
      await app.restart();
      r.respond = () => 200;
      await app.call('PATCH', `/webhooks/v1/subscriptions/${subscription.id}`, { ...admin(site), body: { subscription: { status: 'ACTIVE' } } });
      await eventually(async () => expect(r.received.map((e) => e.entity.info.name.first)).toEqual(['Survivor']), 10_000);
      const [delivery] = (await app.call('GET', `/webhooks/v1/subscriptions/${subscription.id}/deliveries`, admin(site))).body.deliveries;
      expect(delivery.status).toBe('DELIVERED');
      expect(delivery.attempts).toBeGreaterThan(1);
    });
  });
});

describeStandaloneOnly('webhook targets', () => {
  let app: Harness;

  beforeAll(async () => {
    app = await startHarness({ webhooks: { allowPrivateTargets: false } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it.each(['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://10.0.0.1/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook'])(
    'refuses %s unless private targets are allowed',
    async (url) => {
      const refused = await app.call('POST', '/webhooks/v1/subscriptions', { key: KEYS.everything, site: uniqueSite('wh-ssrf'), body: { subscription: { url, eventTypes: ['wix.contacts.v4.contact_created'] } } });
      expect(refused.status).toBe(400);
      expect(refused.body.details.validationError.fieldViolations[0]).toMatchObject({ field: 'subscription.url', violatedRule: 'TARGET_NOT_ALLOWED' });
    },
  );
});
