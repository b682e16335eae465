import { EventStore, ReadStreamOptions, RecordedEvent, SqliteEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication, contactStream, IDENTITY_STREAM_PREFIX } from './index';
import { expectError, InTurnEventStore, siteA, startContacts, stopContacts } from './test/contacts-test-kit';

/** Counts what the write path reads: events of claim streams, and contact streams loaded. */
function counting<S extends EventStore>(store: S) {
  const reads = { claimEvents: 0, contactLoads: 0 };
  const readStream = store.readStream.bind(store);
  store.readStream = async (streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> => {
    const events = await readStream(streamId, options);
    if (streamId.startsWith(IDENTITY_STREAM_PREFIX)) reads.claimEvents += events.length;
    else if (streamId.startsWith('contact-')) reads.contactLoads += 1;
    return events;
  };
  return { store, reads };
}

const claimStreamsOf = async (store: EventStore) =>
  (await store.readAll()).filter((e) => e.streamId.startsWith(IDENTITY_STREAM_PREFIX)).map((e) => `${e.type}:${(e.data as { contactId: string }).contactId}`);

describe('contact writes', () => {
  let app: ContactsApplication;
  afterEach(async () => {
    await stopContacts(app);
  });

  const create = (first: string, email?: string, phone?: string, allowDuplicates = false) =>
    app.commands.create(siteA, {
      info: { name: { first }, ...(email && { emails: { items: [{ email }] } }), ...(phone && { phones: { items: [{ phone }] } }) },
      allowDuplicates,
    });

  it('appends a create\'s identity claims just before its events', async () => {
    const store = new SqliteEventStore(':memory:');
    app = await startContacts(store, new EmbeddedReadStore());
    const created = await create('Ada', 'ada@example.com', '+14155550100');
    const events = await store.readAll();
    expect(events.map((e) => e.type)).toEqual(['IdentityClaimed', 'IdentityClaimed', 'ContactCreated']);
    expect(events[2].streamId).toBe(contactStream('site-a', created.id));
  });

  it('on SQLite, an update that loses to a concurrent one leaves no claim behind (one transaction)', async () => {
    const store = new SqliteEventStore(':memory:');
    app = await startContacts(store, new EmbeddedReadStore());
    const created = await create('Ada', 'ada@example.com');
    const results = await Promise.allSettled(
      ['one@example.com', 'two@example.com'].map((email) =>
        app.commands.update(siteA, { contactId: created.id, revision: 1, info: { emails: { items: [{ email }] } } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'REVISION_MISMATCH' });
    const claims = await claimStreamsOf(store);
    // Ada's first address claimed and released, the winner's address claimed; the loser's never written.
    expect(claims).toHaveLength(3);
    expect(claims.filter((c) => c.startsWith('IdentityReleased'))).toHaveLength(1);
  });

  it('where the store appends stream by stream, gives back the claims of a write whose contact events failed', async () => {
    const store = new InTurnEventStore();
    app = await startContacts(store, new EmbeddedReadStore());
    store.failing = (streamId) => streamId.startsWith('contact-');
    await expect(create('Ada', 'ada@example.com', '+14155550100')).rejects.toThrow('the store is unavailable');
    store.failing = undefined;
    const claims = await claimStreamsOf(store);
    expect(claims.map((c) => c.split(':')[0])).toEqual(['IdentityClaimed', 'IdentityClaimed', 'IdentityReleased', 'IdentityReleased']);
    // The address is free again.
    await create('Ada', 'ada@example.com', '+14155550100');
  });

  it('keeps the duplicate rule on a store that appends stream by stream', async () => {
    app = await startContacts(new InTurnEventStore(), new EmbeddedReadStore());
    const first = await create('Ada', 'ada@example.com');
    const duplicate = await expectError(create('Ada again', 'ADA@example.com'), 'DUPLICATE_CONTACT_EXISTS');
    expect(duplicate.data.duplicateContactId).toBe(first.id);
  });

  it('checks an identity shared by many contacts without reading every claim or loading every holder', async () => {
    const { store, reads } = counting(new SqliteEventStore(':memory:'));
    app = await startContacts(store, new EmbeddedReadStore());
    const perCreate: { claimEvents: number; contactLoads: number }[] = [];
    for (let i = 0; i < 60; i++) {
      const before = { ...reads };
      // The same phone for all (not checked: each has an email), and with allowDuplicates the same email too.
      await create(`Member ${i}`, 'family@example.com', '+14155550100', true);
      perCreate.push({ claimEvents: reads.claimEvents - before.claimEvents, contactLoads: reads.contactLoads - before.contactLoads });
    }
    // The first create reads the two claim streams (empty); then each decides on what this process folded of its own appends: it reads no claim event and loads no holder.
    expect(perCreate.every((r) => r.claimEvents === 0 && r.contactLoads === 0)).toBe(true);
    // The exclusive check of a create without allowDuplicates loads one holder, not sixty.
    const before = { ...reads };
    await expectError(create('Outsider', 'family@example.com'), 'DUPLICATE_CONTACT_EXISTS');
    expect(reads.contactLoads - before.contactLoads).toBe(1);
  });

  it('decides again on a fresh read when another process moved a claim stream it had folded', async () => {
    const store = new SqliteEventStore(':memory:');
    app = await startContacts(store, new EmbeddedReadStore());
    const other = await startContacts(store, new EmbeddedReadStore()); // another process on the same events
    try {
      const first = await create('A', 'shared@example.com');
      await app.commands.delete(siteA, { contactId: first.id });
      // This process has folded the address's stream: claimed, then released. The other one claims it now.
      const taken = await other.commands.create(siteA, { info: { name: { first: 'B' }, emails: { items: [{ email: 'shared@example.com' }] } } });
      const duplicate = await expectError(create('C', 'shared@example.com'), 'DUPLICATE_CONTACT_EXISTS');
      expect(duplicate.data.duplicateContactId).toBe(taken.id);
    } finally {
      await stopContacts(other);
    }
  });

  it('re-claims an identity over a stale claim of its own, so a concurrent claimer cannot pass the check too', async () => {
    const store = new SqliteEventStore(':memory:');
    app = await startContacts(store, new EmbeddedReadStore());
    const [c, d] = [await create('C'), await create('D')];
    // A claim C holds though it has no such address: a release an older version lost.
    await store.append(`${IDENTITY_STREAM_PREFIX}site-a.email:shared@example.com`, [
      { type: 'IdentityClaimed', data: { contactId: c.id, kind: 'email', value: 'shared@example.com' }, metadata: { siteId: 'site-a' } },
    ], 'any');
    const add = (contactId: string) => app.commands.update(siteA, { contactId, revision: 1, info: { emails: { items: [{ email: 'shared@example.com' }] } } });
    const results = await Promise.allSettled([add(c.id), add(d.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'DUPLICATE_CONTACT_EXISTS' });
  });
});
