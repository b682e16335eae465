import { EventStore, InMemoryEventStore, SqliteEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication, contactStream, IDENTITY_STREAM_PREFIX } from './index';
import { expectError, InTurnEventStore, siteA, startContacts, stopContacts } from './test/contacts-test-kit';

const siteB = { ...siteA, siteId: 'site-b' };
const info = { name: { first: 'Ada' }, emails: { items: [{ email: 'ada@example.com' }] } };

describe.each([
  ['SQLite (one transaction)', () => new SqliteEventStore(':memory:')],
  ['a store that appends stream by stream', () => new InTurnEventStore()],
  ['in memory', () => new InMemoryEventStore()],
])('creates with an idempotency key, on %s', (_name, makeStore: () => EventStore) => {
  let store: EventStore;
  let app: ContactsApplication;
  beforeEach(async () => {
    store = makeStore();
    app = await startContacts(store, new EmbeddedReadStore());
  });
  afterEach(async () => {
    await stopContacts(app);
    await store.close();
  });

  const contactEvents = async () => (await store.readAll()).filter((e) => e.streamId.startsWith('contact-')).map((e) => e.type);
  const claimEvents = async () => (await store.readAll()).filter((e) => e.streamId.startsWith(IDENTITY_STREAM_PREFIX)).map((e) => e.type);

  it('answers a create sent again with its key with the contact the first made, and writes nothing more', async () => {
    const first = await app.commands.create(siteA, { info, idempotencyKey: 'key-1' });
    const again = await app.commands.create(siteA, { info, idempotencyKey: 'key-1' });
    expect(again).toEqual(first);
    expect(await contactEvents()).toEqual(['ContactCreated']);
    expect(await claimEvents()).toEqual(['IdentityClaimed']);
    expect((await app.queries.query(siteA, {})).pagingMetadata.total).toBe(1);
  });

  it('ignores the order of the body\'s keys, and answers the contact as created even after it changed or was deleted', async () => {
    const first = await app.commands.create(siteA, { info, idempotencyKey: 'key-2' });
    await app.commands.update(siteA, { contactId: first.id, revision: 1, info: { name: { first: 'Augusta' } } });
    const reordered = { emails: info.emails, name: info.name };
    expect(await app.commands.create(siteA, { info: reordered, allowDuplicates: false, idempotencyKey: 'key-2' })).toEqual(first);
    await app.commands.delete(siteA, { contactId: first.id });
    expect(await app.commands.create(siteA, { info, idempotencyKey: 'key-2' })).toEqual(first);
    expect(await contactEvents()).toEqual(['ContactCreated', 'ContactUpdated', 'ContactDeleted']);
  });

  it('refuses a key reused with a different request, and writes nothing', async () => {
    await app.commands.create(siteA, { info, idempotencyKey: 'key-3' });
    await expectError(app.commands.create(siteA, { info: { name: { first: 'Grace' } }, idempotencyKey: 'key-3' }), 'IDEMPOTENCY_KEY_REUSED');
    await expectError(app.commands.create(siteA, { info, allowDuplicates: true, idempotencyKey: 'key-3' }), 'IDEMPOTENCY_KEY_REUSED');
    expect(await contactEvents()).toEqual(['ContactCreated']);
  });

  it('makes one contact of concurrent creates with one key, and answers it to each', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => app.commands.create(siteA, { info, idempotencyKey: 'key-4' })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.every((r) => r.revision === 1)).toBe(true);
    expect(await contactEvents()).toEqual(['ContactCreated']);
    const { contact } = await app.queries.get(siteA, { contactId: results[0].id });
    expect(contact.info.emails?.items?.map((e) => e.email)).toEqual(['ada@example.com']);
  });

  it('keeps keys apart per site, and a create without a key makes a new contact each time', async () => {
    const a = await app.commands.create(siteA, { info, idempotencyKey: 'shared' });
    const b = await app.commands.create(siteB, { info, idempotencyKey: 'shared' });
    expect(b.id).not.toBe(a.id);
    expect((await store.readStream(contactStream('site-b', b.id))).map((e) => e.siteId)).toEqual(['site-b']);
    const plain = await app.commands.create(siteA, { info: { name: { first: 'Plain' } } });
    const plainAgain = await app.commands.create(siteA, { info: { name: { first: 'Plain' } } });
    expect(plainAgain.id).not.toBe(plain.id);
  });

  it('answers a refused first attempt by trying again, not by replaying the refusal', async () => {
    await app.commands.create(siteA, { info });
    await expectError(app.commands.create(siteA, { info, idempotencyKey: 'key-5' }), 'DUPLICATE_CONTACT_EXISTS');
    const allowed = await app.commands.create(siteA, { info, allowDuplicates: true, idempotencyKey: 'key-6' });
    expect(await app.commands.create(siteA, { info, allowDuplicates: true, idempotencyKey: 'key-6' })).toEqual(allowed);
  });
});

describe('a create sent again after the process that made it died', () => {
  it('shows the contact in queries even when no subscription projects it (the dead process held the projection)', async () => {
    const store = new SqliteEventStore(':memory:');
    const shared = new EmbeddedReadStore();
    // The replica that died held the contacts projection's lease, which has not expired yet: this one stands by.
    await shared.collection('leases').insertOne({ _id: 'projection:contacts', owner: 'dead-host:1:1', expiresAt: Date.now() + 3_600_000, renewedAt: new Date().toISOString() });
    const dead = await startContacts(store, new EmbeddedReadStore()); // committed the create, then died before the shared read model showed it
    const survivor = await startContacts(store, shared);
    try {
      const first = await dead.commands.create(siteA, { info, idempotencyKey: 'key-died' });
      expect(survivor.projection.activity).toBe('standby');
      expect(await survivor.commands.create(siteA, { info, idempotencyKey: 'key-died' })).toEqual(first);
      const found = await survivor.queries.query(siteA, { filter: { 'info.emails.email': 'ada@example.com' } });
      expect(found.contacts.map((c) => c.id)).toEqual([first.id]);
    } finally {
      await stopContacts(dead);
      await stopContacts(survivor);
      await store.close();
    }
  });
});
