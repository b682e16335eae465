import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublicEventTopics, PublishedPublicEvent, siteDocumentId } from '@cp/contracts';
import { EventStore, SqliteEventStore } from '@cp/event-store';
import { ClientProxyPublisher, EventRelay, InProcessBroker, InProcessClient } from '@cp/messaging';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactPublicEvents, contactPublicEventRelay, ContactsApplication } from './index';
import { quietLogger, siteA, startContacts, stopContacts } from './test/contacts-test-kit';

async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('contact public events, relayed from the running application', () => {
  let dir: string;
  let events: EventStore;
  let readStore: EmbeddedReadStore;
  let app: ContactsApplication;
  let broker: InProcessBroker;
  let received: { key: string; value: PublishedPublicEvent }[];
  let relay: EventRelay<PublishedPublicEvent>;
  const startRelay = async () => {
    relay = contactPublicEventRelay({ eventStore: app.eventStore, identityStreams: app.identityStreams, readStore, publisher: new ClientProxyPublisher(new InProcessClient(broker)), logger: quietLogger });
    await relay.start();
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'contact-public-events-'));
    events = new SqliteEventStore(join(dir, 'contacts-events.sqlite'));
    readStore = new EmbeddedReadStore();
    app = await startContacts(events, readStore);
    broker = new InProcessBroker();
    received = [];
    broker.listen(PublicEventTopics.contacts, async (message) => void received.push(message as { key: string; value: PublishedPublicEvent }));
    await startRelay();
  });
  afterEach(async () => {
    await relay.stop();
    await stopContacts(app);
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The last entity published for a contact equals what Get Contact answers right then. */
  const expectLastEntityAsGot = async (contactId: string) => {
    const last = received.filter((m) => m.value.event.entityId === contactId).at(-1)!.value.event;
    const entity = last.createdEvent?.entity ?? last.updatedEvent?.currentEntity;
    expect(entity).toEqual(json((await app.queries.get(siteA, { contactId })).contact));
  };

  it('publishes create, update, label, merge and delete in order, keyed by contact, each entity as Get Contact shows it', async () => {
    const ada = await app.commands.create(siteA, { info: { name: { first: 'Ada' }, emails: { items: [{ email: 'ada@example.com' }] } } });
    await until(() => received.length === 1);
    await expectLastEntityAsGot(ada.id);
    const updated = await app.commands.update(siteA, { contactId: ada.id, revision: ada.revision, info: { company: 'Engines' } });
    await until(() => received.length === 2);
    await expectLastEntityAsGot(ada.id);
    await app.commands.label(siteA, { contactId: ada.id, labelKeys: ['custom.vip'] });
    await until(() => received.length === 3);
    await expectLastEntityAsGot(ada.id);
    const byron = await app.commands.create(siteA, { info: { name: { first: 'Byron' } } });
    await app.commands.merge(siteA, { targetContactId: ada.id, targetContactRevision: updated.revision + 1, sourceContactIds: [byron.id] });
    await until(() => received.length === 7);
    await expectLastEntityAsGot(ada.id);
    await app.commands.delete(siteA, { contactId: ada.id });
    await until(() => received.length === 8);
    await new Promise((resolve) => setTimeout(resolve, 100)); // nothing more comes (the merge's marking is not announced twice)

    expect(received.map((m) => [m.value.event.eventType, m.value.event.entityId, m.value.event.originatedFrom])).toEqual([
      ['wix.contacts.v4.contact_created', ada.id, undefined],
      ['wix.contacts.v4.contact_updated', ada.id, undefined],
      ['wix.contacts.v4.contact_updated', ada.id, undefined],
      ['wix.contacts.v4.contact_created', byron.id, undefined],
      ['wix.contacts.v4.contact_merged', ada.id, undefined],
      ['wix.contacts.v4.contact_updated', ada.id, 'merge'],
      ['wix.contacts.v4.contact_deleted', byron.id, 'merge'],
      ['wix.contacts.v4.contact_deleted', ada.id, undefined],
    ]);
    expect(received.every((m) => m.key === siteDocumentId('site-a', m.value.event.entityId))).toBe(true);
    expect(new Set(received.map((m) => m.value.event.id)).size).toBe(8);
    const merged = received[4].value.event.actionEvent!.body as { targetContactId: string; sourceContactIds: string[]; targetContact: { id: string } };
    expect(merged).toMatchObject({ targetContactId: ada.id, sourceContactIds: [byron.id], targetContact: { id: ada.id } });
    expect(received[7].value.event.deletedEvent!.deletedEntity).toEqual(received[5].value.event.updatedEvent!.currentEntity);

    // What the relay published (its cache warm) is what a cold fold of each stored event gives.
    const cold: PublishedPublicEvent[] = [];
    for (const event of await app.eventStore.readAll()) cold.push(...(await new ContactPublicEvents(app.eventStore, app.identityStreams).map(event)));
    expect(received.map((m) => m.value)).toEqual(json(cold));
  });

  it('a relay restarted from its checkpoint republishes nothing it had checkpointed', async () => {
    const ada = await app.commands.create(siteA, { info: { name: { first: 'Ada' } } });
    await app.commands.update(siteA, { contactId: ada.id, revision: ada.revision, info: { company: 'Engines' } });
    await until(() => received.length === 2);
    await relay.stop();

    await startRelay();
    await until(() => relay.ready);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(2);
    const byron = await app.commands.create(siteA, { info: { name: { first: 'Byron' } } });
    await until(() => received.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.map((m) => [m.value.event.eventType, m.value.event.entityId])).toEqual([
      ['wix.contacts.v4.contact_created', ada.id],
      ['wix.contacts.v4.contact_updated', ada.id],
      ['wix.contacts.v4.contact_created', byron.id],
    ]);
  });
});
