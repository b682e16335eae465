import { EventStore, SqliteEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication, contactStream } from './index';
import { siteA, startContacts, stopContacts } from './test/contacts-test-kit';

/** A store whose subscriptions deliver only while the gate is open: what a slow subscription looks like to a command. */
function gatedStore(store: EventStore) {
  let open = true;
  let opened: Promise<void> = Promise.resolve();
  let release = () => {};
  const gated: EventStore = Object.create(store);
  gated.subscribeAll = (handler, options) =>
    store.subscribeAll(async (event) => {
      while (!open) await opened;
      return handler(event);
    }, options);
  return {
    store: gated,
    close: () => {
      open = false;
      opened = new Promise((resolve) => (release = resolve));
    },
    open: () => {
      open = true;
      release();
    },
  };
}

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A command shows its own events to queries before it answers, without waiting for the subscription, and never out of order. */
describe('read your writes', () => {
  let gate: ReturnType<typeof gatedStore>;
  let sqlite: SqliteEventStore;
  let app: ContactsApplication;

  beforeEach(async () => {
    sqlite = new SqliteEventStore(':memory:');
    gate = gatedStore(sqlite);
    app = await startContacts(gate.store, new EmbeddedReadStore());
  });
  afterEach(async () => {
    gate.open();
    await stopContacts(app);
    await sqlite.close();
  });

  const listed = async () => (await app.queries.list(siteA, {})).contacts;

  it("applies a command's own events at once, and the subscription passes over them later", async () => {
    gate.close();
    const created = await app.commands.create(siteA, { info: { name: { first: 'Ada' }, emails: { items: [{ email: 'ada@example.com' }] } } });
    expect(await listed()).toEqual([expect.objectContaining({ id: created.id, revision: 1 })]);

    await app.commands.update(siteA, { contactId: created.id, revision: 1, info: { name: { first: 'Ada', last: 'Lovelace' } } });
    await app.commands.label(siteA, { contactId: created.id, labelKeys: ['custom.vip'] });
    await app.emailSubscriptions.bulkUpsert(siteA, {
      subscriptions: [
        { email: 'ada@example.com', subscriptionStatus: 'SUBSCRIBED' },
        { email: 'other@example.com', subscriptionStatus: 'UNSUBSCRIBED' },
      ],
    });
    const shown = await listed();
    expect(shown).toEqual([expect.objectContaining({ id: created.id, revision: 3 })]);
    expect(shown[0].info).toMatchObject({ name: { last: 'Lovelace' }, labelKeys: { items: ['custom.vip'] } });
    expect(shown[0].info!.extendedFields!.items).toMatchObject({ 'emailSubscriptions.subscriptionStatus': 'SUBSCRIBED' });
    expect((await app.emailSubscriptions.query(siteA, {})).metadata.total).toBe(2);

    gate.open();
    await app.projection.waitFor(await sqlite.headPosition());
    expect(await listed()).toEqual(shown);
  });

  it("waits for the subscription when another writer's event to the contact is not projected yet, rather than apply out of order", async () => {
    const created = await app.commands.create(siteA, { info: { name: { first: 'Ada' } } });
    gate.close();
    // Another process sets a system value: revision 1 of the stream, which the held subscription has not delivered.
    await sqlite.append(contactStream(siteA.siteId, created.id), [{ type: 'ContactExtendedFieldsSet', data: { values: { 'ecom.numOfPurchases': 4 } }, metadata: { siteId: siteA.siteId } }], 0);

    let answered = false;
    const update = app.commands.update(siteA, { contactId: created.id, revision: 2, info: { name: { first: 'Ada', last: 'Lovelace' } } }).then(() => (answered = true));
    await ticks(50);
    expect(answered).toBe(false);
    expect((await listed())[0].revision).toBe(1);

    gate.open();
    await update;
    const [shown] = await listed();
    expect(shown.revision).toBe(3);
    expect(shown.info).toMatchObject({ name: { last: 'Lovelace' }, extendedFields: { items: { 'ecom.numOfPurchases': 4 } } });
  });
});
