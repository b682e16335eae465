import { emailSubscriptions } from '@wix/email-subscriptions';
import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { describeStandaloneOnly, eventually, Harness, KEYS, sdkFetch, startHarness, uniqueSite } from './harness';
import { WixWebhookReceiver } from './webhook-receiver';

/**
 * Email subscriptions end to end (issue 12): Wix's SDK module for them, unchanged, against our
 * gateway; contacts, their filters and facets showing the statuses right after each write; the
 * webhook; tenancy and bad input.
 */
jest.setTimeout(30_000);

type EmailSubscriptionsSdk = { emailSubscriptions: typeof emailSubscriptions };

function sdkFor(app: Harness, apiKey: string, siteId: string): EmailSubscriptionsSdk {
  return createClient({
    modules: { emailSubscriptions },
    auth: ApiKeyStrategy({ apiKey, siteId }),
    host: { apiBaseUrl: new URL(app.url).host },
    // The SDK always builds https URLs; the suites talk plain HTTP (docs/sdk.md).
    fetch: sdkFetch(app.url),
  } as never) as unknown as EmailSubscriptionsSdk;
}

describe('email subscriptions', () => {
  let app: Harness;
  const site = uniqueSite('subs');
  const as = { key: KEYS.everything, site };
  let sdk: EmailSubscriptionsSdk;

  beforeAll(async () => {
    app = await startHarness();
    sdk = sdkFor(app, KEYS.everything, site);
  });
  afterAll(() => app.stop());

  async function createContact(emails: string[], first = 'Ada', targetSite = site) {
    const items = emails.map((email, i) => ({ email, primary: i === 0 }));
    const created = await app.call('POST', '/contacts/v4/contacts', { key: KEYS.everything, site: targetSite, body: { info: { name: { first }, emails: { items } } } });
    expect(created.status).toBe(200);
    return created.body.contact;
  }

  const getContact = async (id: string) => (await app.call('GET', `/contacts/v4/contacts/${id}`, as)).body.contact;
  const queryIds = async (filter: Record<string, unknown>) =>
    ((await app.call('POST', '/contacts/v4/contacts/query', { ...as, body: { query: { filter } } })).body.contacts as { id: string }[]).map((c) => c.id).sort();
  const facetCounts = async () => {
    const { facets } = (await app.call('GET', '/contacts/v4/contacts/facets', as)).body as { facets: { facetType: string; facetKey?: string; count: number }[] };
    return Object.fromEntries(facets.filter((f) => f.facetType === 'SUBSCRIPTION_STATUS').map((f) => [f.facetKey, f.count]));
  };
  const statusOf = (contact: { primaryEmail?: unknown; info: { extendedFields?: { items: Record<string, unknown> } } }) => ({
    primaryEmail: contact.primaryEmail,
    subscriptionStatus: contact.info.extendedFields?.items['emailSubscriptions.subscriptionStatus'],
    deliverabilityStatus: contact.info.extendedFields?.items['emailSubscriptions.deliverabilityStatus'],
    effectiveEmail: contact.info.extendedFields?.items['emailSubscriptions.effectiveEmail'],
  });

  it("upserts, bulk-upserts and queries through Wix's SDK, addresses compared case-insensitively", async () => {
    const { subscription } = await sdk.emailSubscriptions.upsertEmailSubscription({ subscription: { email: 'Ada.SDK@Example.com', subscriptionStatus: 'SUBSCRIBED' } });
    expect(subscription).toMatchObject({ email: 'Ada.SDK@Example.com', subscriptionStatus: 'SUBSCRIBED', deliverabilityStatus: 'NOT_SET' });
    expect(subscription!._id).toMatch(/^[0-9a-f-]{36}$/);
    expect(subscription!._createdDate).toBeInstanceOf(Date);

    // The same address in another case is the same subscription; a status left out keeps its value.
    const again = await sdk.emailSubscriptions.upsertEmailSubscription({ subscription: { email: 'ada.sdk@example.COM', deliverabilityStatus: 'VALID' } });
    expect(again.subscription).toMatchObject({ _id: subscription!._id, subscriptionStatus: 'SUBSCRIBED', deliverabilityStatus: 'VALID' });

    const items = Array.from({ length: 100 }, (_, i) => ({ email: `bulk-${i}@example.com`, subscriptionStatus: i % 2 ? 'UNSUBSCRIBED' : 'SUBSCRIBED' }) as const);
    const bad = [...items.slice(0, 99), { email: 'not an address' }];
    const bulk = await sdk.emailSubscriptions.bulkUpsertEmailSubscription(bad as never);
    expect(bulk.metadata).toEqual({ totalSuccess: 99, totalFailure: 1 });
    expect(bulk.results.map((r) => r.originalIndex)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(bulk.results[1].emailSubscription).toMatchObject({ email: 'bulk-1@example.com', subscriptionStatus: 'UNSUBSCRIBED' });
    expect(bulk.results[99].error).toEqual({ errorCode: 'INVALID_ARGUMENT', message: expect.stringContaining('subscriptions[99].email') });
    expect(bulk.results[99].emailSubscription).toBeUndefined();

    const found = await sdk.emailSubscriptions.queryEmailSubscriptions({ email: { $in: ['ADA.sdk@example.com', 'bulk-1@example.com', 'nobody@example.com'] } });
    expect(found.subscriptions.map((s) => [s.email, s.subscriptionStatus]).sort()).toEqual([
      ['Ada.SDK@Example.com', 'SUBSCRIBED'],
      ['bulk-1@example.com', 'UNSUBSCRIBED'],
    ]);
    expect(found.metadata).toMatchObject({ count: 2, total: 2, offset: 0 });

    const page = await sdk.emailSubscriptions.queryEmailSubscriptions({}, { paging: { limit: 10, offset: 95 } });
    expect(page.subscriptions).toHaveLength(5);
    expect(page.metadata).toMatchObject({ count: 5, offset: 95, total: 100 });

    const { link } = await sdk.emailSubscriptions.generateUnsubscribeLink('ada.sdk@example.com');
    expect(link).toMatch(/\/email-marketing\/v1\/unsubscribe\?token=[\w-]+\.[\w-]+\.[\w-]+$/);

    const byId = await app.call('GET', `/email-marketing/v1/email-subscriptions/${subscription!._id}`, as);
    expect(byId.status).toBe(200);
    expect(byId.body.emailSubscription).toMatchObject({ id: subscription!._id, email: 'Ada.SDK@Example.com', deliverabilityStatus: 'VALID' });
  });

  it('shows the statuses on contacts, their system fields, filters and facets right after each write', async () => {
    const before = await facetCounts();
    const contact = await createContact(['Grace@Example.com', 'grace.home@example.com'], 'Grace');
    expect(statusOf(contact)).toEqual({
      primaryEmail: { email: 'Grace@Example.com', subscriptionStatus: 'NOT_SET', deliverabilityStatus: 'NOT_SET' },
      subscriptionStatus: 'NOT_SET',
      deliverabilityStatus: 'NOT_SET',
      effectiveEmail: 'Grace@Example.com',
    });

    const upserted = await app.call('POST', '/email-marketing/v1/email-subscriptions', { ...as, body: { subscription: { email: 'grace@example.com', subscriptionStatus: 'UNSUBSCRIBED' } } });
    expect(upserted.status).toBe(200);
    // Read your writes: no waiting between the upsert and the reads.
    const shown = await getContact(contact.id);
    expect(statusOf(shown)).toEqual({
      primaryEmail: { email: 'Grace@Example.com', subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'NOT_SET' },
      subscriptionStatus: 'UNSUBSCRIBED',
      deliverabilityStatus: 'NOT_SET',
      effectiveEmail: 'grace.home@example.com', // the first address that is neither unsubscribed nor undeliverable
    });
    expect(shown.revision).toBe(contact.revision); // the revision counts the contact's own changes
    expect(await queryIds({ 'primaryEmail.subscriptionStatus': 'UNSUBSCRIBED' })).toEqual([contact.id]);
    expect(await queryIds({ 'info.extendedFields.emailSubscriptions.subscriptionStatus': { $in: ['UNSUBSCRIBED'] } })).toEqual([contact.id]);
    const after = await facetCounts();
    expect(after.UNSUBSCRIBED).toBe((before.UNSUBSCRIBED ?? 0) + 1);
    expect(after.NOT_SET).toBe(before.NOT_SET ?? 0);

    await app.call('POST', '/email-marketing/v1/email-subscriptions', { ...as, body: { subscription: { email: 'grace.home@example.com', deliverabilityStatus: 'BOUNCED' } } });
    const bounced = await getContact(contact.id);
    expect(statusOf(bounced).effectiveEmail).toBeUndefined();
    expect(await queryIds({ 'primaryEmail.deliverabilityStatus': 'BOUNCED' })).not.toContain(contact.id);

    // A new primary address brings its own status.
    const reordered = await app.call('PATCH', `/contacts/v4/contacts/${contact.id}`, {
      ...as,
      body: { revision: bounced.revision, info: { emails: { items: [{ email: 'grace.home@example.com', primary: true }, { email: 'Grace@Example.com' }] } } },
    });
    expect(reordered.status).toBe(200);
    expect(statusOf(reordered.body.contact)).toMatchObject({ primaryEmail: { email: 'grace.home@example.com', subscriptionStatus: 'NOT_SET', deliverabilityStatus: 'BOUNCED' } });
    expect(await queryIds({ 'primaryEmail.deliverabilityStatus': 'BOUNCED' })).toEqual([contact.id]);
    expect(await queryIds({ 'primaryEmail.subscriptionStatus': 'UNSUBSCRIBED' })).toEqual([]);

    await app.call('DELETE', `/contacts/v4/contacts/${contact.id}`, as);
    expect((await facetCounts()).UNSUBSCRIBED).toBe(before.UNSUBSCRIBED ?? 0);
    // The subscription outlives the contact: Wix keeps subscriptions for addresses that are no contact's.
    const kept = await app.call('POST', '/email-marketing/v1/email-subscriptions/query', { ...as, body: { filter: { email: { $in: ['grace@example.com'] } } } });
    expect(kept.body.subscriptions).toEqual([expect.objectContaining({ email: 'grace@example.com', subscriptionStatus: 'UNSUBSCRIBED' })]);
  });

  it('never resubscribes an unsubscribed address when a contact gets it', async () => {
    await app.call('POST', '/email-marketing/v1/email-subscriptions', { ...as, body: { subscription: { email: 'opted-out@example.com', subscriptionStatus: 'UNSUBSCRIBED' } } });
    const created = await createContact(['Opted-Out@example.com'], 'Olive');
    expect(created.primaryEmail).toEqual({ email: 'Opted-Out@example.com', subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'NOT_SET' });
    const other = await createContact(['olive@example.com'], 'Olive');
    const updated = await app.call('PATCH', `/contacts/v4/contacts/${other.id}`, {
      ...as,
      body: { revision: other.revision, allowDuplicates: true, info: { emails: { items: [{ email: 'OPTED-OUT@example.com', primary: true }] } } },
    });
    expect(updated.body.contact.primaryEmail.subscriptionStatus).toBe('UNSUBSCRIBED');
    const subscription = await app.call('POST', '/email-marketing/v1/email-subscriptions/query', { ...as, body: { filter: { email: { $in: ['opted-out@example.com'] } } } });
    expect(subscription.body.subscriptions[0].subscriptionStatus).toBe('UNSUBSCRIBED');
  });

  it('a merge target shows the statuses of the addresses it takes over', async () => {
    const target = await createContact(['target@example.com'], 'Tara');
    const source = await createContact(['source@example.com'], 'Sam');
    await app.call('POST', '/email-marketing/v1/email-subscriptions', { ...as, body: { subscription: { email: 'target@example.com', subscriptionStatus: 'UNSUBSCRIBED' } } });
    await app.call('POST', '/email-marketing/v1/email-subscriptions', { ...as, body: { subscription: { email: 'source@example.com', subscriptionStatus: 'SUBSCRIBED' } } });
    const current = await getContact(target.id);
    const merged = await app.call('POST', `/contacts/v4/contacts/${target.id}/merge`, { ...as, body: { sourceContactIds: [source.id], targetContactRevision: current.revision } });
    expect(merged.status).toBe(200);
    const shown = await getContact(target.id);
    expect(shown.primaryEmail).toMatchObject({ email: 'target@example.com', subscriptionStatus: 'UNSUBSCRIBED' });
    expect(shown.info.extendedFields.items['emailSubscriptions.effectiveEmail']).toBe('source@example.com');
    expect(await queryIds({ 'info.emails.email': 'source@example.com' })).toEqual([target.id]);
  });

  it('sends EmailSubscriptionChanged, and contact_updated for the contacts whose view changed', async () => {
    const hookSite = uniqueSite('subs-hook');
    const { publicKey } = (await app.call('GET', '/webhooks/v1/public-key', { key: null, site: null })).body;
    const receiver = new WixWebhookReceiver(publicKey);
    await receiver.start();
    try {
      const created = await app.call('POST', '/webhooks/v1/subscriptions', {
        key: KEYS.everything,
        site: hookSite,
        body: { subscription: { url: receiver.url, eventTypes: ['com.wixpress.emailsubscriptions.v1.EmailSubscriptionChanged', 'wix.contacts.v4.contact_updated'] } },
      });
      expect(created.status).toBe(200);
      const contact = await createContact(['linus@example.com'], 'Linus', hookSite);
      await app.call('POST', '/email-marketing/v1/email-subscriptions', { key: KEYS.everything, site: hookSite, body: { subscription: { email: 'LINUS@example.com', subscriptionStatus: 'UNSUBSCRIBED' } } });
      // No contact has this one: the subscription event only.
      await app.call('POST', '/email-marketing/v1/email-subscriptions', { key: KEYS.everything, site: hookSite, body: { subscription: { email: 'stranger@example.com', subscriptionStatus: 'SUBSCRIBED' } } });

      await eventually(async () => {
        expect(receiver.of('com.wixpress.emailsubscriptions.v1.EmailSubscriptionChanged')).toHaveLength(2);
        expect(receiver.of('wix.contacts.v4.contact_updated')).toHaveLength(1);
      }, 10_000);
      const [changed, stranger] = receiver.of('com.wixpress.emailsubscriptions.v1.EmailSubscriptionChanged');
      // As first written: the upsert's spelling, not the contact's (they compare case-insensitively).
      expect(changed.data.subscription).toMatchObject({ email: 'LINUS@example.com', subscriptionStatus: 'UNSUBSCRIBED', _createdDate: expect.any(Date) });
      expect(changed.metadata).toMatchObject({ instanceId: hookSite, identity: { identityType: 'APP', appId: 'admin' } });
      expect(stranger.data.subscription).toMatchObject({ email: 'stranger@example.com', subscriptionStatus: 'SUBSCRIBED' });
      const [updated] = receiver.of('wix.contacts.v4.contact_updated');
      expect(updated.entity).toMatchObject({ _id: contact.id, revision: contact.revision, primaryEmail: { subscriptionStatus: 'UNSUBSCRIBED' } });
    } finally {
      await receiver.stop();
    }
  });

  it("keeps each site's subscriptions to itself", async () => {
    const other = uniqueSite('subs-other');
    const mine = await app.call('POST', '/email-marketing/v1/email-subscriptions', { ...as, body: { subscription: { email: 'private@example.com', subscriptionStatus: 'SUBSCRIBED' } } });
    const theirs = { key: KEYS.everything, site: other };
    expect((await app.call('GET', `/email-marketing/v1/email-subscriptions/${mine.body.subscription.id}`, theirs)).status).toBe(404);
    const query = await app.call('POST', '/email-marketing/v1/email-subscriptions/query', { ...theirs, body: { filter: { email: { $in: ['private@example.com'] } } } });
    expect(query.body.subscriptions).toEqual([]);
    // The same address on another site is another subscription.
    const separate = await app.call('POST', '/email-marketing/v1/email-subscriptions', { ...theirs, body: { subscription: { email: 'private@example.com' } } });
    expect(separate.body.subscription).toMatchObject({ subscriptionStatus: 'NOT_SET' });
    expect(separate.body.subscription.id).not.toBe(mine.body.subscription.id);
  });

  it('needs the email-subscription scopes: view for reads, modify for writes', async () => {
    const reader = { key: KEYS.readOnlyA, site: 'site-a' };
    expect((await app.call('POST', '/email-marketing/v1/email-subscriptions/query', { ...reader, body: { filter: {} } })).status).toBe(200);
    const write = await app.call('POST', '/email-marketing/v1/email-subscriptions', { ...reader, body: { subscription: { email: 'a@example.com' } } });
    expect(write.status).toBe(403);
    // The sync app's key manages contacts, labels, fields and webhooks, not email subscriptions.
    expect((await app.call('POST', '/email-marketing/v1/email-subscriptions/query', { key: KEYS.syncApp, site: 'site-a', body: {} })).status).toBe(403);
  });

  it('refuses bad input with 400 and the field, changing nothing', async () => {
    const refused = async (path: string, body: unknown) => {
      const answer = await app.call('POST', path, { ...as, body });
      expect(answer.status).toBe(400);
      return answer.body;
    };
    const upsert = '/email-marketing/v1/email-subscriptions';
    expect((await refused(upsert, { subscription: { subscriptionStatus: 'SUBSCRIBED' } })).details.validationError.fieldViolations[0].field).toBe('subscription.email');
    expect((await refused(upsert, { subscription: { email: 'x@example.com', subscriptionStatus: 'UNKNOWN' } })).details.validationError.fieldViolations[0].field).toBe('subscription.subscriptionStatus');
    expect((await refused(upsert, { subscription: { email: 'x@example.com', status: 'SUBSCRIBED' } })).details.validationError.fieldViolations[0].field).toBe('subscription.status');
    await refused(upsert, { subscription: 'x@example.com' });
    await refused(upsert, {});
    await refused(`${upsert}/bulk`, { subscriptions: [] });
    await refused(`${upsert}/bulk`, { subscriptions: Array.from({ length: 101 }, (_, i) => ({ email: `x${i}@example.com` })) });
    await refused(`${upsert}/bulk`, { subscriptions: 'x@example.com' });
    await refused(`${upsert}/query`, { filter: { subscriptionStatus: 'SUBSCRIBED' } });
    await refused(`${upsert}/query`, { filter: { email: { $in: [1, 2] } } });
    await refused(`${upsert}/query`, { filter: { email: { $startsWith: 'x' } } });
    await refused(`${upsert}/unsubscribe-link`, { emailAddress: 'no address' });
    expect((await app.call('GET', `${upsert}/not-a-guid`, as)).status).toBe(400);
    expect((await app.call('GET', `${upsert}/00000000-0000-4000-8000-000000000000`, as)).status).toBe(404);
    const none = await app.call('POST', `${upsert}/query`, { ...as, body: { filter: { email: { $in: ['x@example.com', 'x0@example.com'] } } } });
    expect(none.body.subscriptions).toEqual([]);
    // `null` is absent, as for every optional field: the site's subscriptions.
    const all = await app.call('POST', `${upsert}/query`, { ...as, body: { filter: null, paging: { limit: 1 } } });
    expect(all.status).toBe(200);
    expect(all.body.metadata.total).toBeGreaterThan(1);
  });
});

describeStandaloneOnly('email subscriptions after a rebuild from zero', () => {
  it('contacts show the same statuses once the read model is rebuilt at start', async () => {
    const app = await startHarness();
    const as = { key: KEYS.everything, site: uniqueSite('subs-rebuild') };
    try {
      const ids: string[] = [];
      for (const email of ['one@example.com', 'two@example.com']) {
        ids.push((await app.call('POST', '/contacts/v4/contacts', { ...as, body: { info: { emails: { items: [{ email }] } } } })).body.contact.id);
      }
      await app.call('POST', '/email-marketing/v1/email-subscriptions/bulk', {
        ...as,
        body: { subscriptions: [{ email: 'one@example.com', subscriptionStatus: 'UNSUBSCRIBED' }, { email: 'TWO@example.com', deliverabilityStatus: 'SPAM_COMPLAINT' }, { email: 'three@example.com' }] },
      });
      const views = async () => Promise.all(ids.map(async (id) => (await app.call('GET', `/contacts/v4/contacts/${id}`, as)).body.contact));
      const live = await views();
      expect(live.map((c) => c.primaryEmail)).toEqual([
        { email: 'one@example.com', subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'NOT_SET' },
        { email: 'two@example.com', subscriptionStatus: 'NOT_SET', deliverabilityStatus: 'SPAM_COMPLAINT' },
      ]);
      const query = async () => (await app.call('POST', '/email-marketing/v1/email-subscriptions/query', { ...as, body: {} })).body.subscriptions;
      const subscriptions = await query();

      await app.restart(); // the standalone read store is rebuilt from the events at every start
      expect(await views()).toEqual(live);
      expect(await query()).toEqual(subscriptions);
    } finally {
      await app.stop();
    }
  });
});
