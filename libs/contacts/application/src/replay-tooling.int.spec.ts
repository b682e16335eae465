import { InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication, ContactsProjection, CONTACTS_COLLECTION, exportEvents, rebuildContactsReadModel } from './index';
import { ada, logger, siteB, useRunningApplication } from './test/contacts-application-fixture';
import { siteA } from './test/contacts-test-kit';

describe('contacts application', () => {
  const running = useRunningApplication();
  let app: ContactsApplication;
  let events: InMemoryEventStore;
  let reads: EmbeddedReadStore;
  beforeEach(() => ({ app, events, reads } = running));

  describe('replay tooling', () => {
    it('rebuilds the read model from zero to the same documents, and ignores redelivered events', async () => {
      const a = await app.commands.create(siteA, { info: ada });
      await app.commands.update(siteA, { contactId: a.id, revision: 1, info: { company: 'Acme' } });
      const b = await app.commands.create(siteA, { info: { name: { first: 'Gone' } } });
      await app.commands.delete(siteA, { contactId: b.id });
      const live = await reads.collection(CONTACTS_COLLECTION).find({}, { sort: { _id: 1 } });

      const rebuilt = new EmbeddedReadStore();
      const replay = new ContactsProjection(app.eventStore, rebuilt, logger);
      await replay.start();
      await replay.waitFor(await events.headPosition());
      expect(await rebuilt.collection(CONTACTS_COLLECTION).find({}, { sort: { _id: 1 } })).toEqual(live);

      // A redelivery from an older checkpoint leaves the documents as they are.
      await replay.stop();
      await rebuilt.collection('projection_checkpoints').deleteMany({});
      const again = new ContactsProjection(app.eventStore, rebuilt, logger);
      await again.start();
      await again.waitFor(await events.headPosition());
      expect(await rebuilt.collection(CONTACTS_COLLECTION).find({}, { sort: { _id: 1 } })).toEqual(live);
      await again.stop();
    });

    it('rebuilds the read model aside and swaps it in, equal to the live one', async () => {
      const a = await app.commands.create(siteA, { info: ada });
      await app.commands.update(siteA, { contactId: a.id, revision: 1, info: { company: 'Acme' } });
      const b = await app.commands.create(siteB, { info: { name: { first: 'B' }, labelKeys: { items: ['custom.vip'] } } });
      await app.commands.delete(siteB, { contactId: b.id });
      const live = await reads.collection(CONTACTS_COLLECTION).find({}, { sort: { _id: 1 } });
      const progress: number[] = [];
      const result = await rebuildContactsReadModel({ eventStore: app.eventStore, readStore: reads, logger, onProgress: (p) => progress.push(p.position) });
      expect(result.events).toBe(await events.headPosition());
      expect(progress[progress.length - 1]).toBe(result.events);
      expect(await reads.collection(CONTACTS_COLLECTION).find({}, { sort: { _id: 1 } })).toEqual(live);
      expect((await reads.listCollections()).filter((name) => name.startsWith('contacts_rebuild'))).toEqual([]);
    });

    it('exports a site, a contact or a time range', async () => {
      const a = await app.commands.create(siteA, { info: ada });
      const middle = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await app.commands.update(siteA, { contactId: a.id, revision: 1, info: { company: 'Acme' } });
      await app.commands.create(siteB, { info: { name: { first: 'B' } } });
      const collect = async (filter: Parameters<typeof exportEvents>[1]) => {
        const out = [];
        for await (const event of exportEvents(app.eventStore, filter, 2)) out.push(event);
        return out;
      };
      expect((await collect({ siteId: 'site-a', contactId: a.id })).map((e) => e.type)).toEqual(['ContactCreated', 'ContactUpdated']);
      expect((await collect({ siteId: 'site-b' })).every((e) => e.siteId === 'site-b')).toBe(true);
      expect((await collect({ from: middle })).map((e) => e.type)).toEqual(expect.arrayContaining(['ContactUpdated', 'ContactCreated']));
      expect((await collect({ to: middle })).some((e) => e.type === 'ContactUpdated')).toBe(false);
    });
  });
});
