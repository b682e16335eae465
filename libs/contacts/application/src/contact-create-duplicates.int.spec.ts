import { ContactsApplication } from './index';
import { ada, useRunningApplication } from './test/contacts-application-fixture';
import { expectError, siteA } from './test/contacts-test-kit';

describe('contacts application', () => {
  const running = useRunningApplication();
  let app: ContactsApplication;
  beforeEach(() => ({ app } = running));

  describe('creating contacts and the duplicate rule', () => {
    it('creates a contact that reads back at once by id and in queries', async () => {
      const created = await app.commands.create(siteA, { info: ada });
      expect(created.revision).toBe(1);
      const { contact } = await app.queries.get(siteA, { contactId: created.id });
      expect(contact).toEqual(created);
      const page = await app.queries.query(siteA, { filter: { 'info.emails.email': 'ada@example.com' } });
      expect(page.contacts.map((c) => c.id)).toEqual([created.id]);
    });

    it('refuses a duplicate email case-insensitively, naming the existing contact, unless allowed', async () => {
      const first = await app.commands.create(siteA, { info: ada });
      const error = await expectError(
        app.commands.create(siteA, { info: { emails: { items: [{ email: 'ADA@example.com' }] } } }),
        'DUPLICATE_CONTACT_EXISTS',
      );
      expect(error.data).toEqual({ duplicateContactId: first.id, duplicateEmail: 'ada@example.com' });
      const second = await app.commands.create(siteA, { info: ada, allowDuplicates: true });
      expect(second.id).not.toBe(first.id);
    });

    it('checks the phone when there is no email', async () => {
      const first = await app.commands.create(siteA, { info: { phones: { items: [{ phone: '+1 415 555 0100' }] } } });
      const error = await expectError(
        app.commands.create(siteA, { info: { phones: { items: [{ phone: '(415) 555-0100', countryCode: 'US' }] } } }),
        'DUPLICATE_CONTACT_EXISTS',
      );
      expect(error.data).toEqual({ duplicateContactId: first.id, duplicatePhone: '+14155550100' });
    });

    it('lets exactly one of two concurrent creates with the same email succeed', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => app.commands.create(siteA, { info: { emails: { items: [{ email: 'race@example.com' }] } } })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]) {
        expect(r.reason.code).toBe('DUPLICATE_CONTACT_EXISTS');
      }
      expect((await app.queries.query(siteA, {})).pagingMetadata.total).toBe(1);
    });

    it('frees an email when its contact drops it or is deleted', async () => {
      const first = await app.commands.create(siteA, { info: ada });
      await app.commands.update(siteA, { contactId: first.id, revision: 1, info: { emails: { items: [{ email: 'other@example.com' }] } } });
      await app.commands.create(siteA, { info: ada });
      await app.commands.delete(siteA, { contactId: first.id });
      await app.commands.create(siteA, { info: { emails: { items: [{ email: 'other@example.com' }] } } });
    });

    it('applies the duplicate check on update too', async () => {
      await app.commands.create(siteA, { info: ada });
      const other = await app.commands.create(siteA, { info: { name: { first: 'Grace' } } });
      await expectError(app.commands.update(siteA, { contactId: other.id, revision: 1, info: ada }), 'DUPLICATE_CONTACT_EXISTS');
      const { contact } = await app.queries.get(siteA, { contactId: other.id });
      expect(contact.revision).toBe(1);
    });
  });
});
