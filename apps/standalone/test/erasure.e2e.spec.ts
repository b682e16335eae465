import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC_EVENT_TYPES } from '@cp/contracts';
import { describeStandaloneOnly, eventually, Harness, KEYS, startHarness, uniqueSite } from './harness';
import { WixWebhookReceiver } from './webhook-receiver';

/**
 * Erasure end to end (docs/privacy.md): the endpoint and its scope, what every API shows after
 * it, the anonymize webhook as Wix's SDK receives it, the change feed, and a byte scan of every
 * file under DATA_DIR.
 */
jest.setTimeout(30_000);

const ADA = { email: 'augusta.erased@engines.example', phone: '+442079460123', last: 'Byron-King-Noel' };

/** For a suite: the app and a webhook receiver built with Wix's SDK, started once, stopped after it. */
function useAppWithReceiver(): { app: Harness; receiver: WixWebhookReceiver } {
  const running = {} as { app: Harness; receiver: WixWebhookReceiver };
  beforeAll(async () => {
    running.app = await startHarness();
    running.receiver = new WixWebhookReceiver((await running.app.call('GET', '/webhooks/v1/public-key', { key: null, site: null })).body.publicKey);
    await running.receiver.start();
  });
  afterAll(async () => {
    await running.receiver.stop();
    await running.app.stop();
  });
  return running;
}

describe('erasing a contact', () => {
  const running = useAppWithReceiver();
  let app: Harness;
  let receiver: WixWebhookReceiver;
  beforeEach(() => ({ app, receiver } = running));

  /** Ada erased after her webhooks went out, Grace kept. */
  async function eraseAda(site: string) {
    const admin = { key: KEYS.everything, site };
    expect((await app.call('POST', '/webhooks/v1/subscriptions', { ...admin, body: { subscription: { url: receiver.url, eventTypes: [...PUBLIC_EVENT_TYPES] } } })).status).toBe(200);
    const info = { name: { first: 'Augusta', last: ADA.last }, emails: { items: [{ email: ADA.email }] }, phones: { items: [{ phone: ADA.phone }] } };
    const ada = (await app.call('POST', '/contacts/v4/contacts', { ...admin, body: { info } })).body.contact;
    await app.call('PATCH', `/contacts/v4/contacts/${ada.id}`, { ...admin, body: { revision: 1, info: { company: 'Analytical Engines' } } });
    const grace = (await app.call('POST', '/contacts/v4/contacts', { ...admin, body: { info: { name: { first: 'Grace' } } } })).body.contact;
    await eventually(async () => expect(receiver.received.filter((e) => e.metadata.entityId === ada.id)).toHaveLength(2), 10_000);

    const refused = await app.call('POST', `/contacts/v4/contacts/${ada.id}/erase`, { key: KEYS.siteA, site: 'site-a' });
    expect(refused.status).toBe(403); // managing contacts does not grant erasing them
    const erased = await app.call('POST', `/contacts/v4/contacts/${ada.id}/erase`, admin);
    expect(erased).toEqual({ status: 200, body: {} });
    return { ada, grace, admin };
  }

  it('answers 404 for the contact everywhere, tells receivers to anonymize it, and redacts it in the feed', async () => {
    const site = uniqueSite('erase');
    const { ada, grace, admin } = await eraseAda(site);

    expect((await app.call('GET', `/contacts/v4/contacts/${ada.id}`, admin)).status).toBe(404);
    expect((await app.call('GET', `/contacts/v4/contacts/${ada.id}/history`, admin)).status).toBe(404);
    expect((await app.call('GET', `/contacts/v4/contacts/${ada.id}?asOf=${encodeURIComponent(new Date().toISOString())}`, admin)).status).toBe(404);
    const found = await app.call('POST', '/contacts/v4/contacts/query', { ...admin, body: { search: ADA.last } });
    expect(found.body.contacts).toEqual([]);
    expect((await app.call('GET', '/contacts/v4/contacts', admin)).body.contacts.map((c: { id: string }) => c.id)).toEqual([grace.id]);
    // Erasing again answers the same; its email is free for a new contact.
    expect((await app.call('POST', `/contacts/v4/contacts/${ada.id}/erase`, admin)).status).toBe(200);
    expect((await app.call('POST', '/contacts/v4/contacts', { ...admin, body: { info: { emails: { items: [{ email: ADA.email }] } } } })).status).toBe(200);

    await eventually(async () => {
      const notice = receiver.of('wix.contacts.v4.contact_deleted').find((e) => e.metadata.entityId === ada.id);
      expect(notice?.metadata.triggeredByAnonymizeRequest).toBe(true);
    }, 10_000);
    expect(JSON.stringify(receiver.of('wix.contacts.v4.contact_deleted').find((e) => e.metadata.entityId === ada.id))).not.toContain(ADA.email);

    // The webhooks service sees the destroyed key once its cache of unwrapped keys lets it go (5 s).
    await eventually(async () => {
      const feed = await app.call('GET', '/events/v1/events', admin);
      expect(feed.status).toBe(200);
      const about = feed.body.events.filter((event: { entityId: string }) => event.entityId === ada.id);
      expect(about.map((event: { eventType: string; redacted?: boolean; triggeredByAnonymizeRequest: boolean }) => [event.eventType, event.redacted ?? false, event.triggeredByAnonymizeRequest])).toEqual([
        ['wix.contacts.v4.contact_created', true, false],
        ['wix.contacts.v4.contact_updated', true, false],
        ['wix.contacts.v4.contact_deleted', false, true],
      ]);
      expect(JSON.stringify(about)).not.toContain(ADA.email);
      expect(JSON.stringify(feed.body)).toContain('Grace');
    }, 12_000);
  });
});

describeStandaloneOnly('erasing a contact, on file', () => {
  const running = useAppWithReceiver();
  let app: Harness;
  let receiver: WixWebhookReceiver;
  beforeEach(() => ({ app, receiver } = running));

  const filesUnder = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });

  it('leaves none of the personal data in any file under DATA_DIR, and survives a restart', async () => {
    const site = uniqueSite('erase-scan');
    const admin = { key: KEYS.everything, site };
    const info = { name: { first: 'Augusta', last: ADA.last }, emails: { items: [{ email: ADA.email }] }, phones: { items: [{ phone: ADA.phone }] } };
    expect((await app.call('POST', '/webhooks/v1/subscriptions', { ...admin, body: { subscription: { url: receiver.url, eventTypes: [...PUBLIC_EVENT_TYPES] } } })).status).toBe(200);
    const ada = (await app.call('POST', '/contacts/v4/contacts', { ...admin, body: { info } })).body.contact;
    await eventually(async () => expect(receiver.received.some((e) => e.metadata.entityId === ada.id)).toBe(true), 10_000);
    const holding = (text: string) => filesUnder(app.dataDir).filter((file) => readFileSync(file).includes(Buffer.from(text)));
    expect(holding(site)).not.toEqual([]); // the scan reads the stores: what routes events (the site) is in clear

    expect((await app.call('POST', `/contacts/v4/contacts/${ada.id}/erase`, admin)).status).toBe(200);
    await eventually(async () => expect(receiver.of('wix.contacts.v4.contact_deleted').some((e) => e.metadata.entityId === ada.id)).toBe(true), 10_000);
    await app.restart(); // a rebuild of the in-memory read models from the events, and every file closed
    expect((await app.call('GET', `/contacts/v4/contacts/${ada.id}`, admin)).status).toBe(404);
    for (const secret of Object.values(ADA)) expect({ secret, files: holding(secret) }).toEqual({ secret, files: [] });
  });
});
