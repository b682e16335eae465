import { RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication, createContactsApplication, ContactsProjection, CONTACTS_COLLECTION, DefinitionOwners, exportEvents, FieldInfo, rebuildContactsReadModel } from './index';
import { expectError } from './test/contacts-test-kit';

const siteA: RequestContext = { siteId: 'site-a', actor: { type: 'API_KEY', id: 'k' }, correlationId: 'c' };
const siteB: RequestContext = { ...siteA, siteId: 'site-b' };
const logger = { error: jest.fn(), warn: jest.fn() };

/** Stands in for the labels and extended-fields services (their own tests and the end-to-end suites cover them). */
const owners: DefinitionOwners = {
  labelExists: async (_context, key) => ['custom.vip', 'custom.gold', 'contacts.customers'].includes(key),
  labels: async () =>
    ['custom.vip', 'custom.gold'].map((key) => ({ key, displayName: key.slice(7), namespace: 'custom', namespaceDisplayName: 'Custom' })),
  field: async (_context, key): Promise<FieldInfo | undefined> =>
    (({
      'custom.score': { key, dataType: 'NUMBER', fieldType: 'USER_DEFINED' },
      'custom.site': { key, dataType: 'URL', fieldType: 'USER_DEFINED' },
      'ecom.numOfPurchases': { key, dataType: 'NUMBER', fieldType: 'SYSTEM', writable: false },
      'invoices.vatId': { key, dataType: 'TEXT', fieldType: 'SYSTEM', writable: true },
    }) as Record<string, FieldInfo>)[key],
};


describe('contacts application', () => {
  let events: InMemoryEventStore;
  let reads: EmbeddedReadStore;
  let app: ContactsApplication;

  beforeEach(async () => {
    events = new InMemoryEventStore();
    reads = new EmbeddedReadStore();
    app = createContactsApplication({ eventStore: events, readStore: reads, owners, logger });
    await app.projection.start();
    await app.bulkJobs.projection.start();
  });
  afterEach(async () => {
    await app.bulkJobs.stop();
    await app.projection.stop();
    await events.close();
  });

  const ada = { name: { first: 'Ada', last: 'Lovelace' }, emails: { items: [{ email: 'ada@example.com' }] } };

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

  it('lists newest first by default, sorts and pages with metadata', async () => {
    for (const first of ['Cy', 'Ab', 'Bo']) await app.commands.create(siteA, { info: { name: { first } } });
    const newest = await app.queries.list(siteA, {});
    expect(newest.contacts.map((c) => c.info?.name?.first)).toEqual(['Bo', 'Ab', 'Cy']);
    const page = await app.queries.list(siteA, { sort: { fieldName: 'info.name.first', order: 'ASC' }, paging: { limit: 2, offset: 1 } });
    expect(page.contacts.map((c) => c.info?.name?.first)).toEqual(['Bo', 'Cy']);
    expect(page.pagingMetadata).toEqual({ count: 2, offset: 1, total: 3, tooManyToCount: false });
  });

  it('queries with $ne, $in, $startsWith, $exists, date ranges and search, and projects fieldsets', async () => {
    const a = await app.commands.create(siteA, { info: { ...ada, company: 'Analytical' } });
    const b = await app.commands.create(siteA, { info: { name: { first: 'Grace' }, phones: { items: [{ phone: '+14155550100' }] } } });
    const ids = async (payload: object) => (await app.queries.query(siteA, payload)).contacts.map((c) => c.id).sort();
    expect(await ids({ filter: { 'info.name.first': { $ne: 'Ada' } } })).toEqual([b.id]);
    expect(await ids({ filter: { id: { $in: [a.id, 'nope'] } } })).toEqual([a.id]);
    expect(await ids({ filter: { 'info.name.first': { $startsWith: 'gr' } } })).toEqual([b.id]);
    expect(await ids({ filter: { 'info.company': { $exists: true } } })).toEqual([a.id]);
    expect(await ids({ filter: { createdDate: { $gte: a.createdDate, $lte: b.createdDate } } })).toEqual([a.id, b.id].sort());
    expect(await ids({ filter: { createdDate: { $gt: '2999-01-01T00:00:00Z' } } })).toEqual([]);
    expect(await ids({ search: 'lovel' })).toEqual([a.id]);
    expect(await ids({ search: '555-0100' })).toEqual([b.id]);
    const basic = await app.queries.query(siteA, { filter: { id: a.id }, fieldsets: ['BASIC'] });
    expect(basic.contacts[0]).toEqual({ id: a.id, revision: 1, primaryInfo: { email: 'ada@example.com' }, info: { name: ada.name } });
  });

  it('refuses filters outside the field table, naming the field', async () => {
    await expect(app.queries.query(siteA, { filter: { 'info.secret': 1 } })).rejects.toThrow(/info\.secret/);
    await expect(app.queries.query(siteA, { search: 'x'.repeat(101) })).rejects.toThrow(/search/);
  });

  it('rebuilds the read model from zero to the same documents, and ignores redelivered events', async () => {
    const a = await app.commands.create(siteA, { info: ada });
    await app.commands.update(siteA, { contactId: a.id, revision: 1, info: { company: 'Acme' } });
    const b = await app.commands.create(siteA, { info: { name: { first: 'Gone' } } });
    await app.commands.delete(siteA, { contactId: b.id });
    const live = await reads.collection(CONTACTS_COLLECTION).find({}, { sort: { _id: 1 } });

    const rebuilt = new EmbeddedReadStore();
    const replay = new ContactsProjection(events, rebuilt, logger);
    await replay.start();
    await replay.waitFor(await events.headPosition());
    expect(await rebuilt.collection(CONTACTS_COLLECTION).find({}, { sort: { _id: 1 } })).toEqual(live);

    // A redelivery from an older checkpoint leaves the documents as they are.
    await replay.stop();
    await rebuilt.collection('projection_checkpoints').deleteMany({});
    const again = new ContactsProjection(events, rebuilt, logger);
    await again.start();
    await again.waitFor(await events.headPosition());
    expect(await rebuilt.collection(CONTACTS_COLLECTION).find({}, { sort: { _id: 1 } })).toEqual(live);
    await again.stop();
  });

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

  describe('facets', () => {
    it('counts all, not labelled, each label, subscription and membership statuses, right after changes', async () => {
      const counts = async (filter?: Record<string, unknown>) =>
        Object.fromEntries((await app.facets.list(siteA, { filter })).facets.map((f) => [`${f.facetType}:${f.facetKey ?? ''}`, f.count]));
      const a = await app.commands.create(siteA, { info: { ...ada, labelKeys: { items: ['custom.vip'] } } });
      const b = await app.commands.create(siteA, { info: { name: { first: 'B' } } });
      await app.commands.create(siteB, { info: { name: { first: 'Elsewhere' }, labelKeys: { items: ['custom.vip'] } } });
      expect(await counts()).toMatchObject({ 'ALL_CONTACTS:': 2, 'NOT_LABELED:': 1, 'LABEL:custom.vip': 1, 'LABEL:custom.gold': 0, 'SUBSCRIPTION_STATUS:NOT_SET': 1 });
      await app.commands.label(siteA, { contactId: b.id, labelKeys: ['custom.vip', 'custom.gold'] });
      expect(await counts()).toMatchObject({ 'NOT_LABELED:': 0, 'LABEL:custom.vip': 2, 'LABEL:custom.gold': 1 });
      await app.commands.merge(siteA, { targetContactId: a.id, targetContactRevision: 1, sourceContactIds: [b.id] });
      expect(await counts()).toMatchObject({ 'ALL_CONTACTS:': 1, 'LABEL:custom.vip': 1, 'LABEL:custom.gold': 1 });
      await app.commands.delete(siteA, { contactId: a.id });
      expect(await counts()).toMatchObject({ 'ALL_CONTACTS:': 0, 'LABEL:custom.vip': 0 });
      expect(await counts({ 'info.extendedFields.emailSubscriptions.effectiveEmail': { $exists: true } })).toMatchObject({ 'ALL_CONTACTS:': 0 });
      await expect(app.facets.list(siteA, { filter: { 'info.name.first': 'x' } })).rejects.toThrow(/info\.name\.first/);
    });
  });

  describe('bulk jobs', () => {
    async function seed(count: number, info: (i: number) => Record<string, unknown>) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await app.commands.create(siteA, { info: info(i) })).id);
      return ids;
    }
    const finished = async (jobId: string) => {
      await app.bulkJobs.idle();
      return (await app.bulkJobs.get(siteA, jobId)).job;
    };

    it('deletes by filter and search, one event per contact, skipping members with an error', async () => {
      const ids = await seed(120, (i) => ({ name: { first: i % 2 ? 'Odd' : 'Even' }, company: 'Acme' }));
      await app.commands.update({ ...siteA, permissions: ['MEMBERS.MODIFY'] }, { contactId: ids[0], revision: 1, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } });
      const { jobId } = await app.bulkJobs.create(siteA, { type: 'DELETE', filter: { 'info.name.first': 'Even' }, search: 'even' });
      const job = await finished(jobId);
      expect(job).toMatchObject({ type: 'DELETE', status: 'COMPLETED', totalItems: 60, successTotal: 59, failedTotal: 1 });
      expect(job.errors).toEqual([{ contactId: ids[0], code: 'CONTACT_IS_MEMBER', description: expect.any(String), data: { contactId: ids[0] } }]);
      expect(job.finishedDate).toEqual(expect.any(String));
      await app.projection.waitFor(await events.headPosition());
      expect((await app.queries.query(siteA, { filter: { 'info.name.first': 'Even' } })).pagingMetadata.total).toBe(1);
      expect((await app.queries.query(siteA, { filter: { 'info.name.first': 'Odd' } })).pagingMetadata.total).toBe(60);
      expect((await app.bulkJobs.list(siteA)).jobs.map((j) => j.id)).toEqual([jobId]);
      expect((await app.bulkJobs.list(siteB)).jobs).toEqual([]);
    });

    it('updates and relabels matching contacts, each getting its own revision', async () => {
      const ids = await seed(3, (i) => ({ name: { first: `U${i}` } }));
      const update = await app.bulkJobs.create(siteA, { type: 'UPDATE', filter: { id: { $in: ids.slice(0, 2) } }, info: { company: 'Bulk Co' } });
      expect(await finished(update.jobId)).toMatchObject({ successTotal: 2, failedTotal: 0 });
      const labels = await app.bulkJobs.create(siteA, { type: 'ADD_REMOVE_LABELS', filter: { 'info.company': 'Bulk Co' }, labelKeysToAdd: ['custom.vip'] });
      expect(await finished(labels.jobId)).toMatchObject({ type: 'ADD_REMOVE_LABELS', successTotal: 2 });
      for (const id of ids.slice(0, 2)) {
        expect((await app.queries.get(siteA, { contactId: id })).contact).toMatchObject({ revision: 3, info: { company: 'Bulk Co', labelKeys: { items: ['custom.vip'] } } });
      }
      expect((await app.queries.get(siteA, { contactId: ids[2] })).contact.revision).toBe(1);
    });

    it('checks its input before it starts', async () => {
      await expect(app.bulkJobs.create(siteA, { type: 'DELETE' })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
      await expect(app.bulkJobs.create(siteA, { type: 'DELETE', filter: { nope: 1 } })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
      await expect(app.bulkJobs.create(siteA, { type: 'ADD_REMOVE_LABELS', filter: {}, labelKeysToAdd: ['custom.ghost'] })).rejects.toMatchObject({ code: 'LABEL_NOT_FOUND' });
      await expect(app.bulkJobs.create(siteA, { type: 'UPDATE', filter: {}, info: { birthdate: 'never' } })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
      await expect(app.bulkJobs.get(siteA, 'nope')).rejects.toMatchObject({ code: 'BULK_JOB_NOT_FOUND' });
    });

    it('resumes an interrupted job from its last recorded progress and does nothing twice', async () => {
      const ids = await seed(120, (i) => ({ name: { first: `R${i}` } }));
      // A job that recorded its first batch of 50 and then stopped (its process died).
      const stream = 'contactbulkjob-site-a.job-1';
      const metadata = { siteId: 'site-a', actor: { type: 'API_KEY' as const, id: 'k' } };
      await events.append(stream, [
        { type: 'BulkJobCreated', data: { jobId: 'job-1', spec: { type: 'UPDATE', filter: {}, info: { company: 'Resumed' } }, contactIds: ids }, metadata },
        { type: 'BulkJobStarted', data: {}, metadata },
        { type: 'BulkJobProgressed', data: { processed: 50, succeeded: 50, failed: 0, errors: [] }, metadata },
      ], 'no_stream');
      await app.bulkJobs.stop();
      const restarted = createContactsApplication({ eventStore: events, readStore: reads, owners, logger });
      await restarted.projection.start();
      await restarted.bulkJobs.projection.start();
      await restarted.bulkJobs.resumeUnfinished();
      await restarted.bulkJobs.idle();
      expect((await restarted.bulkJobs.get(siteA, 'job-1')).job).toMatchObject({ status: 'COMPLETED', totalItems: 120, successTotal: 120 });
      await restarted.projection.waitFor(await events.headPosition());
      expect((await restarted.queries.get(siteA, { contactId: ids[49] })).contact).toMatchObject({ revision: 1 });
      expect((await restarted.queries.get(siteA, { contactId: ids[50] })).contact).toMatchObject({ revision: 2, info: { company: 'Resumed' } });
      await restarted.bulkJobs.stop();
      await restarted.projection.stop();
    });
  });

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

  describe('replay tooling', () => {
    it('rebuilds the read model aside and swaps it in, equal to the live one', async () => {
      const a = await app.commands.create(siteA, { info: ada });
      await app.commands.update(siteA, { contactId: a.id, revision: 1, info: { company: 'Acme' } });
      const b = await app.commands.create(siteB, { info: { name: { first: 'B' }, labelKeys: { items: ['custom.vip'] } } });
      await app.commands.delete(siteB, { contactId: b.id });
      const live = await reads.collection(CONTACTS_COLLECTION).find({}, { sort: { _id: 1 } });
      const progress: number[] = [];
      const result = await rebuildContactsReadModel({ eventStore: events, readStore: reads, logger, onProgress: (p) => progress.push(p.position) });
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
        for await (const event of exportEvents(events, filter, 2)) out.push(event);
        return out;
      };
      expect((await collect({ siteId: 'site-a', contactId: a.id })).map((e) => e.type)).toEqual(['ContactCreated', 'ContactUpdated']);
      expect((await collect({ siteId: 'site-b' })).every((e) => e.siteId === 'site-b')).toBe(true);
      expect((await collect({ from: middle })).map((e) => e.type)).toEqual(expect.arrayContaining(['ContactUpdated', 'ContactCreated']));
      expect((await collect({ to: middle })).some((e) => e.type === 'ContactUpdated')).toBe(false);
    });
  });
});
