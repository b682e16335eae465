import { ContactsApplication } from './index';
import { ada, siteB, useRunningApplication } from './test/contacts-application-fixture';
import { expectError, siteA } from './test/contacts-test-kit';

describe('contacts application', () => {
  const running = useRunningApplication();
  let app: ContactsApplication;
  beforeEach(() => ({ app } = running));

  describe('updates, deletes and sites', () => {
    it('refuses a stale revision and never loses an update under concurrency', async () => {
      const created = await app.commands.create(siteA, { info: ada });
      const updated = await app.commands.update(siteA, { contactId: created.id, revision: 1, info: { company: 'Acme' } });
      expect(updated.revision).toBe(2);
      const stale = await expectError(
        app.commands.update(siteA, { contactId: created.id, revision: 1, info: { company: 'Lost' } }),
        'REVISION_MISMATCH',
      );
      expect(stale.data).toEqual({ currentRevision: 2 });

      const racing = await Promise.allSettled(
        ['One', 'Two', 'Three'].map((company) => app.commands.update(siteA, { contactId: created.id, revision: 2, info: { company } })),
      );
      const winners = racing.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ info: { company?: string } }>[];
      expect(winners).toHaveLength(1);
      const { contact } = await app.queries.get(siteA, { contactId: created.id });
      expect(contact.info?.company).toBe(winners[0].value.info.company);
      expect(contact.revision).toBe(3);
    });

    it('keeps sites apart', async () => {
      const created = await app.commands.create(siteA, { info: ada });
      await expectError(app.queries.get(siteB, { contactId: created.id }), 'CONTACT_NOT_FOUND');
      await expectError(app.commands.update(siteB, { contactId: created.id, revision: 1, info: { company: 'X' } }), 'CONTACT_NOT_FOUND');
      await expectError(app.commands.delete(siteB, { contactId: created.id }), 'CONTACT_NOT_FOUND');
      expect((await app.queries.list(siteB, {})).contacts).toEqual([]);
      await app.commands.create(siteB, { info: ada }); // the same email is free in another site
    });

    it('deletes: gone from get, list and query', async () => {
      const created = await app.commands.create(siteA, { info: ada });
      await app.commands.delete(siteA, { contactId: created.id });
      await expectError(app.queries.get(siteA, { contactId: created.id }), 'CONTACT_NOT_FOUND');
      expect((await app.queries.list(siteA, {})).pagingMetadata.total).toBe(0);
      await expectError(app.commands.delete(siteA, { contactId: created.id }), 'CONTACT_NOT_FOUND');
    });
  });
});
