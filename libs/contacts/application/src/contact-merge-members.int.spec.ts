import { RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { ContactsApplication } from './index';
import { ada, useRunningApplication } from './test/contacts-application-fixture';
import { expectError, siteA } from './test/contacts-test-kit';

describe('contacts application', () => {
  const running = useRunningApplication();
  let app: ContactsApplication;
  beforeEach(() => ({ app } = running));

  describe('merge and members', () => {
    const admin: RequestContext = { ...siteA, permissions: ['MEMBERS.MODIFY'] };

    it('merges sources into the target, deletes them, and resolves their ids to the target', async () => {
      const target = await app.commands.create(siteA, { info: ada });
      const s1 = await app.commands.create(siteA, { info: { name: { first: 'Augusta' }, company: 'Engines', emails: { items: [{ email: 'augusta@example.com' }] } } });
      const s2 = await app.commands.create(siteA, { info: { phones: { items: [{ phone: '+14155550100' }] }, labelKeys: { items: ['custom.vip'] } } });
      const preview = await app.commands.previewMerge(siteA, { targetContactId: target.id, sourceContactIds: [s1.id, s2.id] });
      expect(preview).toMatchObject({ revision: 2, info: { company: 'Engines', labelKeys: { items: ['custom.vip'] } } });
      expect((await app.queries.get(siteA, { contactId: target.id })).contact.revision).toBe(1);
      expect((await app.queries.get(siteA, { contactId: s1.id })).responseType).toBe('REGULAR');

      await expectError(app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 7, sourceContactIds: [s1.id] }), 'REVISION_MISMATCH');
      const merged = await app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 1, sourceContactIds: [s1.id, s2.id] });
      expect(merged.info.emails!.items.map((e) => e.email)).toEqual(['ada@example.com', 'augusta@example.com']);
      expect(merged.lastActivity.activityType).toBe('CONTACT_MERGED');
      const viaSource = await app.queries.get(siteA, { contactId: s1.id });
      expect(viaSource).toMatchObject({ responseType: 'MERGED', contact: { id: target.id } });
      expect((await app.queries.list(siteA, {})).contacts.map((c) => c.id)).toEqual([target.id]);
      await expectError(app.commands.update(siteA, { contactId: s1.id, revision: 1, info: { company: 'x' } }), 'CONTACT_NOT_FOUND');
      // The source's email now belongs to the target: a new contact with it is a duplicate of the target.
      const duplicate = await expectError(app.commands.create(siteA, { info: { emails: { items: [{ email: 'augusta@example.com' }] } } }), 'DUPLICATE_CONTACT_EXISTS');
      expect(duplicate.data.duplicateContactId).toBe(target.id);
    });

    it('marks members only through the members permission; members cannot be deleted or merged away', async () => {
      const member = await app.commands.create(siteA, { info: { name: { first: 'Member' } } });
      const denied = await app.commands
        .update(siteA, { contactId: member.id, revision: 1, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } })
        .catch((e: AppError) => e);
      expect((denied as AppError).violations[0].field).toBe('info.extendedFields.items.members.membershipStatus');
      await app.commands.update(admin, { contactId: member.id, revision: 1, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } });
      // An ordinary update of the extended fields keeps the membership it may not touch.
      const updated = await app.commands.update(siteA, { contactId: member.id, revision: 2, info: { extendedFields: { items: { 'custom.score': 5 } } } });
      expect(updated.info.extendedFields!.items).toMatchObject({ 'members.membershipStatus': 'APPROVED', 'custom.score': 5 });
      await expectError(app.commands.delete(siteA, { contactId: member.id }), 'CONTACT_IS_MEMBER');
      const other = await app.commands.create(siteA, { info: { name: { first: 'Other' } } });
      await expectError(app.commands.merge(siteA, { targetContactId: other.id, targetContactRevision: 1, sourceContactIds: [member.id] }), 'SOURCE_IS_MEMBER');
      const target = await app.commands.merge(siteA, { targetContactId: member.id, targetContactRevision: 3, sourceContactIds: [other.id] });
      expect(target.revision).toBe(4);
    });
  });
});
