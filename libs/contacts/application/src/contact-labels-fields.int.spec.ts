import { RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { ContactsApplication } from './index';
import { ada, siteB, useRunningApplication } from './test/contacts-application-fixture';
import { expectError, siteA } from './test/contacts-test-kit';

describe('contacts application', () => {
  const running = useRunningApplication();
  let app: ContactsApplication;
  beforeEach(() => ({ app } = running));

  describe('labels and extended fields', () => {
    it('labels and unlabels with a revision each, refusing unknown keys without applying any', async () => {
      const created = await app.commands.create(siteA, { info: ada });
      const labeled = await app.commands.label(siteA, { contactId: created.id, labelKeys: ['custom.vip', 'contacts.customers'] });
      expect(labeled).toMatchObject({ revision: 2, info: { labelKeys: { items: ['custom.vip', 'contacts.customers'] } } });
      const refused = await expectError(app.commands.label(siteA, { contactId: created.id, labelKeys: ['custom.gold', 'custom.nope'] }), 'LABEL_NOT_FOUND');
      expect(refused.data).toEqual({ unknownLabelKeys: ['custom.nope'] });
      expect((await app.queries.get(siteA, { contactId: created.id })).contact.revision).toBe(2);
      const again = await app.commands.label(siteA, { contactId: created.id, labelKeys: ['custom.vip'] });
      expect(again.revision).toBe(2);
      const unlabeled = await app.commands.unlabel(siteA, { contactId: created.id, labelKeys: ['custom.vip'] });
      expect(unlabeled).toMatchObject({ revision: 3, info: { labelKeys: { items: ['contacts.customers'] } } });
      const found = await app.queries.query(siteA, { filter: { 'info.labelKeys': { $hasSome: ['contacts.customers'] } } });
      expect(found.contacts.map((c) => c.id)).toEqual([created.id]);
    });

    it('trusts its copy of the definitions, kept from integration events, before asking the owner', async () => {
      const created = await app.commands.create(siteA, { info: ada });
      const event = (type: string, key: string, sequence: number) => ({ id: `${key}-${sequence}`, type, source: 'labels', siteId: 'site-a', entityId: key, sequence, occurredAt: 'now', data: { key } });
      await app.definitionEvents.onLabelEvent(event('LabelCreated', 'custom.copied', 1));
      await app.commands.label(siteA, { contactId: created.id, labelKeys: ['custom.copied'] });
      // The copy says custom.gold was deleted; an older, redelivered creation does not bring it back.
      await app.definitionEvents.onLabelEvent(event('LabelDeleted', 'custom.gold', 3));
      await app.definitionEvents.onLabelEvent(event('LabelCreated', 'custom.gold', 2));
      await expectError(app.commands.label(siteA, { contactId: created.id, labelKeys: ['custom.gold'] }), 'LABEL_NOT_FOUND');
    });

    it('checks labelKeys and extended-field values on create, naming every problem', async () => {
      try {
        await app.commands.create(siteA, {
          info: {
            name: { first: 'X' },
            labelKeys: { items: ['custom.nope'] },
            extendedFields: { items: { 'custom.score': 'high', 'custom.unknown': 1, 'ecom.numOfPurchases': 3 } },
          },
        });
        throw new Error('expected a refusal');
      } catch (error) {
        const fields = (error as AppError).violations.map((v) => v.field).sort();
        expect(fields).toEqual(['info.extendedFields.items.custom.score', 'info.extendedFields.items.custom.unknown', 'info.extendedFields.items.ecom.numOfPurchases', 'info.labelKeys']);
      }
      expect((await app.queries.list(siteA, {})).pagingMetadata.total).toBe(0);
    });

    it('normalizes values by type, keeps writable system fields and ignores derived ones sent back', async () => {
      const created = await app.commands.create(siteA, {
        info: {
          name: { first: 'Typed' },
          extendedFields: { items: { 'custom.score': '42', 'custom.site': 'example.com', 'invoices.vatId': 'GB123', 'contacts.displayByFirstName': 'ignored' } },
        },
      });
      expect(created.info.extendedFields!.items).toMatchObject({ 'custom.score': 42, 'custom.site': 'https://example.com', 'invoices.vatId': 'GB123', 'contacts.displayByFirstName': 'Typed' });
      const found = await app.queries.query(siteA, { filter: { 'info.extendedFields.custom.score': { $gt: 40 } } });
      expect(found.contacts.map((c) => c.id)).toEqual([created.id]);
    });

    it('removes a deleted label from every contact of the site, each with a new revision', async () => {
      const a = await app.commands.create(siteA, { info: { name: { first: 'A' }, labelKeys: { items: ['custom.vip'] } } });
      const b = await app.commands.create(siteA, { info: { name: { first: 'B' }, labelKeys: { items: ['custom.vip', 'custom.gold'] } } });
      const c = await app.commands.create(siteA, { info: { name: { first: 'C' } } });
      const other = await app.commands.create(siteB, { info: { name: { first: 'Other' }, labelKeys: { items: ['custom.vip'] } } });
      const deletion = { id: 'e1', type: 'LabelDeleted', source: 'labels', siteId: 'site-a', entityId: 'custom.vip', sequence: 5, occurredAt: 'now', data: { key: 'custom.vip' } };
      await app.definitionEvents.onLabelEvent(deletion);
      await app.definitionEvents.onLabelEvent(deletion); // redelivered: nothing more happens
      const get = async (ctx: RequestContext, id: string) => (await app.queries.get(ctx, { contactId: id })).contact;
      expect(await get(siteA, a.id)).toMatchObject({ revision: 2 });
      expect((await get(siteA, a.id)).info?.labelKeys).toBeUndefined();
      expect(await get(siteA, b.id)).toMatchObject({ revision: 2, info: { labelKeys: { items: ['custom.gold'] } } });
      expect(await get(siteA, c.id)).toMatchObject({ revision: 1 });
      expect(await get(siteB, other.id)).toMatchObject({ revision: 1, info: { labelKeys: { items: ['custom.vip'] } } });
      expect((await app.queries.query(siteA, { filter: { 'info.labelKeys': { $hasSome: ['custom.vip'] } } })).contacts).toEqual([]);
      await expectError(app.commands.label(siteA, { contactId: c.id, labelKeys: ['custom.vip'] }), 'LABEL_NOT_FOUND');
    });

    it('removes a deleted field\'s values from every contact', async () => {
      const a = await app.commands.create(siteA, { info: { name: { first: 'A' }, extendedFields: { items: { 'custom.score': 1 } } } });
      await app.definitionEvents.onFieldEvent({ id: 'e2', type: 'ExtendedFieldDeleted', source: 'extended-fields', siteId: 'site-a', entityId: 'custom.score', sequence: 9, occurredAt: 'now', data: { key: 'custom.score' } });
      const contact = (await app.queries.get(siteA, { contactId: a.id })).contact;
      expect(contact.revision).toBe(2);
      expect(contact.info?.extendedFields?.items['custom.score']).toBeUndefined();
      await expect(app.commands.update(siteA, { contactId: a.id, revision: 2, info: { extendedFields: { items: { 'custom.score': 3 } } } })).rejects.toThrow(/unknown extended field/);
    });
  });
});
