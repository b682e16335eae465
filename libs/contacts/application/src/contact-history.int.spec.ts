import { ContactsApplication } from './index';
import { ada, siteB, useRunningApplication } from './test/contacts-application-fixture';
import { expectError, siteA } from './test/contacts-test-kit';

describe('contacts application', () => {
  const running = useRunningApplication();
  let app: ContactsApplication;
  beforeEach(() => ({ app } = running));

  describe('history', () => {
    it('lists a contact\'s events with actor and changed fields, and shows it as it was', async () => {
      const clocked = app;
      const created = await clocked.commands.create(siteA, { info: ada });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const afterCreate = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await clocked.commands.update(siteA, { contactId: created.id, revision: 1, info: { company: 'Acme', jobTitle: 'CTO' } });
      await clocked.commands.label(siteA, { contactId: created.id, labelKeys: ['custom.vip'] });
      const { events: history, pagingMetadata } = await clocked.history.history(siteA, { contactId: created.id, paging: { limit: 2 } });
      expect(history.map((e) => [e.revision, e.type, e.changedFields])).toEqual([
        [1, 'ContactCreated', ['info.name', 'info.emails']],
        [2, 'ContactUpdated', ['info.company', 'info.jobTitle']],
      ]);
      expect(history[0].actor).toEqual({ type: 'API_KEY', id: 'k' });
      expect(pagingMetadata).toMatchObject({ count: 2, total: 3 });
      const then = await clocked.history.asOf(siteA, { contactId: created.id, asOf: afterCreate });
      expect(then.contact).toMatchObject({ revision: 1, info: { name: ada.name } });
      expect(then.contact.info?.company).toBeUndefined();
      await expectError(clocked.history.asOf(siteA, { contactId: created.id, asOf: '2020-01-01T00:00:00Z' }), 'CONTACT_NOT_FOUND');
      await expectError(clocked.history.history(siteB, { contactId: created.id }), 'CONTACT_NOT_FOUND');
      await expect(clocked.history.asOf(siteA, { contactId: created.id, asOf: 'yesterday' })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
    });
  });
});
