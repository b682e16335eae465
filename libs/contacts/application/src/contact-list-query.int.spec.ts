import { ContactsApplication } from './index';
import { ada, siteB, useRunningApplication } from './test/contacts-application-fixture';
import { siteA } from './test/contacts-test-kit';

describe('contacts application', () => {
  const running = useRunningApplication();
  let app: ContactsApplication;
  beforeEach(() => ({ app } = running));

  describe('listing and querying', () => {
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
});
