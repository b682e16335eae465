import { AppError } from '@cp/errors';
import { InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication, contactStream } from './index';
import { expectError, membersAdmin, siteA, startContacts, stopContacts } from './test/contacts-test-kit';

/** Invalid values are refused, protected values stay, and the duplicate rule holds on every write path. */
describe('write rules', () => {
  let events: InMemoryEventStore;
  let app: ContactsApplication;

  beforeEach(async () => {
    events = new InMemoryEventStore();
    app = await startContacts(events, new EmbeddedReadStore());
  });
  afterEach(async () => {
    await stopContacts(app);
  });

  const fieldsOf = (error: AppError) => error.violations.map((v) => v.field);

  describe('label keys', () => {
    it('checks that labels exist in a bare list as in { items }', async () => {
      for (const labelKeys of [['custom.nope'], { items: ['custom.nope'] }]) {
        const error = await expectError(app.commands.create(siteA, { info: { name: { first: 'A' }, labelKeys } }), 'INVALID_ARGUMENT');
        expect(error.violations).toEqual([expect.objectContaining({ field: 'info.labelKeys', data: { unknownLabelKeys: ['custom.nope'] } })]);
      }
      const created = await app.commands.create(siteA, { info: { name: { first: 'A' } } });
      await expectError(app.commands.update(siteA, { contactId: created.id, revision: 1, info: { labelKeys: ['custom.nope'] } }), 'INVALID_ARGUMENT');
      await expectError(app.bulkJobs.create(siteA, { type: 'UPDATE', filter: {}, info: { labelKeys: ['custom.nope'] } }), 'INVALID_ARGUMENT');
      expect((await app.commands.create(siteA, { info: { name: { first: 'B' } , labelKeys: ['custom.vip'] } })).info.labelKeys).toEqual({ items: ['custom.vip'] });
    });

    it('refuses label keys given as a string instead of storing none', async () => {
      const error = await expectError(app.commands.create(siteA, { info: { name: { first: 'A' }, labelKeys: 'custom.vip' } }), 'INVALID_ARGUMENT');
      expect(fieldsOf(error)).toEqual(['info.labelKeys']);
      expect((await app.queries.list(siteA, {})).pagingMetadata.total).toBe(0);
    });
  });

  describe('protected values', () => {
    async function member() {
      const created = await app.commands.create(siteA, { info: { name: { first: 'Member' }, extendedFields: { items: { 'custom.score': 3 } } } });
      await app.commands.update(membersAdmin, { contactId: created.id, revision: 1, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } });
      // What the ecom service would have set: a read-only system value.
      await events.append(contactStream('site-a', created.id), [{ type: 'ContactExtendedFieldsSet', data: { values: { 'ecom.numOfPurchases': 4 } }, metadata: { siteId: 'site-a' } }], 1);
      return created.id;
    }

    it.each([['null', null], ['{}', {}], ['{ items: {} }', { items: {} }], ['{ items: null }', { items: null }]])(
      'an update with extendedFields %s clears only what the caller may write, so the member stays undeletable',
      async (_name, extendedFields) => {
        const id = await member();
        const updated = await app.commands.update(siteA, { contactId: id, revision: 3, info: { extendedFields } });
        expect(updated.info.extendedFields!.items).toMatchObject({ 'members.membershipStatus': 'APPROVED', 'ecom.numOfPurchases': 4 });
        expect(updated.info.extendedFields!.items['custom.score']).toBeUndefined();
        await expectError(app.commands.delete(siteA, { contactId: id }), 'CONTACT_IS_MEMBER');
      },
    );

    it('a members key may clear the membership, never the ecom values', async () => {
      const id = await member();
      const updated = await app.commands.update(membersAdmin, { contactId: id, revision: 3, info: { extendedFields: null } });
      expect(updated.info.extendedFields!.items).toMatchObject({ 'ecom.numOfPurchases': 4 });
      expect(updated.info.extendedFields!.items['members.membershipStatus']).toBeUndefined();
      await app.commands.delete(siteA, { contactId: id });
    });

    it('a bulk update that clears extended fields keeps them too', async () => {
      const id = await member();
      const { jobId } = await app.bulkJobs.create(siteA, { type: 'UPDATE', filter: { id }, info: { extendedFields: {} } });
      await app.bulkJobs.idle();
      expect((await app.bulkJobs.get(siteA, jobId)).job).toMatchObject({ successTotal: 1, failedTotal: 0 });
      const { contact } = await app.queries.get(siteA, { contactId: id });
      expect(contact.info!.extendedFields!.items).toMatchObject({ 'members.membershipStatus': 'APPROVED', 'ecom.numOfPurchases': 4 });
      await expectError(app.commands.delete(siteA, { contactId: id }), 'CONTACT_IS_MEMBER');
    });

    it('a wrapper with unknown keys is refused rather than read as a clearing', async () => {
      const id = await member();
      const error = await expectError(app.commands.update(siteA, { contactId: id, revision: 3, info: { extendedFields: { values: {} } } }), 'INVALID_ARGUMENT');
      expect(fieldsOf(error)).toEqual(['info.extendedFields.values']);
    });
  });

  describe('duplicates in bulk updates', () => {
    it('sets an email on one contact and reports the others as duplicates with the 409 data', async () => {
      const ids: string[] = [];
      for (const first of ['A', 'B', 'C']) ids.push((await app.commands.create(siteA, { info: { name: { first } } })).id);
      const { jobId } = await app.bulkJobs.create(siteA, { type: 'UPDATE', filter: {}, info: { emails: { items: [{ email: 'shared@example.com' }] } } });
      await app.bulkJobs.idle();
      const { job } = await app.bulkJobs.get(siteA, jobId);
      expect(job).toMatchObject({ status: 'COMPLETED', totalItems: 3, successTotal: 1, failedTotal: 2 });
      await app.projection.waitFor(await events.headPosition());
      const holders = (await app.queries.query(siteA, { filter: { 'info.emails.email': 'shared@example.com' } })).contacts.map((c) => c.id);
      expect(holders).toHaveLength(1);
      const byContact = (a: { contactId: string }, b: { contactId: string }) => a.contactId.localeCompare(b.contactId);
      expect([...job.errors].sort(byContact)).toEqual(
        ids
          .filter((id) => id !== holders[0])
          .sort()
          .map((contactId) => ({
            contactId,
            code: 'DUPLICATE_CONTACT_EXISTS',
            description: expect.any(String),
            data: { duplicateContactId: holders[0], duplicateEmail: 'shared@example.com' },
          })),
      );
    });
  });
});
