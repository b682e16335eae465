import { RequestContext } from '@cp/contracts';
import { InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore, Filter, MongoReadStore, ReadStore, SqliteReadStore } from '@cp/read-store';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { ContactsApplication, createContactsApplication, DefinitionOwners, FieldInfo } from './index';
import { testDataKeys } from './test/contacts-test-kit';

const logger = { error: (m: string) => console.error(m), warn: jest.fn() };
const owners: DefinitionOwners = {
  labelExists: async (_c, key) => key.startsWith('custom.'),
  labels: async () => [],
  field: async (_c, key): Promise<FieldInfo | undefined> =>
    new Map<string, FieldInfo>([
      ['custom.size', { key, dataType: 'NUMBER', fieldType: 'USER_DEFINED' }],
      ['custom.since', { key, dataType: 'DATE', fieldType: 'USER_DEFINED' }],
      ['custom.note', { key, dataType: 'TEXT', fieldType: 'USER_DEFINED' }],
      ['contacts.displayByLastName', { key, dataType: 'TEXT', fieldType: 'SYSTEM' }],
    ]).get(key),
  findOrCreateLabel: async () => {
    throw new Error('not used here');
  },
  fieldNamed: async () => undefined,
};

/**
 * One query suite, run on every read-store adapter that can run here: the same filters must
 * give the same contacts on the embedded store and on MongoDB.
 */
function describeContactQueries(name: string, createStore: () => Promise<ReadStore>) {
  describe(`contact queries on ${name}`, () => {
    const site: RequestContext = { siteId: `site-${randomUUID()}`, actor: { type: 'API_KEY', id: 'k' }, correlationId: 'c' };
    let store: ReadStore;
    let app: ContactsApplication;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      store = await createStore();
      app = createContactsApplication({ eventStore: new InMemoryEventStore(), readStore: store, owners, logger, dataKeys: testDataKeys() });
      await app.projection.start();
      const people: [string, Record<string, unknown>][] = [
        ['ada', { name: { first: 'Ada', last: 'Lovelace' }, emails: { items: [{ email: 'ada@example.com' }] }, company: 'Engines', birthdate: '1815-12-10', labelKeys: { items: ['custom.vip', 'custom.math'] }, extendedFields: { items: { 'custom.size': 38, 'custom.since': '2020-01-01', 'custom.note': 'first' } }, addresses: { items: [{ address: { city: 'London', country: 'GB' } }] } }],
        ['grace', { name: { first: 'Grace', last: 'Hopper' }, emails: { items: [{ email: 'Grace@Navy.mil' }] }, phones: { items: [{ phone: '+14155550100' }] }, company: 'Navy', labelKeys: { items: ['custom.vip'] }, extendedFields: { items: { 'custom.size': 40 } } }],
        ['alan', { name: { first: 'Alan', last: 'Turing' }, phones: { items: [{ phone: '+441234567890' }] }, jobTitle: 'Codebreaker', locale: 'en-gb', extendedFields: { items: { 'custom.since': '2021-06-01' } } }],
        ['edsger', { name: { first: 'edsger' }, company: 'Eindhoven', labelKeys: { items: ['custom.math'] } }],
      ];
      for (const [key, info] of people) ids[key] = (await app.commands.create(site, { info })).id;
    }, 60_000);
    afterAll(async () => {
      await app.projection.stop();
      await store.collection('contacts').deleteMany({ siteId: site.siteId });
      await store.close();
    });

    const names = async (payload: Record<string, unknown>) =>
      (await app.queries.query(site, payload)).contacts.map((c) => c.info?.name?.first);
    const sorted = async (filter: Record<string, unknown>, search?: string) => ((await names({ filter, search })) as string[]).sort();

    it.each([
      ['$eq (bare value)', { 'info.name.first': 'Ada' }, ['Ada']],
      ['$ne', { 'info.company': { $ne: 'Navy' } }, ['Ada', 'Alan', 'edsger']],
      ['$in', { 'info.company': { $in: ['Navy', 'Eindhoven'] } }, ['Grace', 'edsger']],
      ['$nin', { 'info.company': { $nin: ['Navy', 'Eindhoven'] } }, ['Ada', 'Alan']],
      ['$exists true', { 'info.jobTitle': { $exists: true } }, ['Alan']],
      ['$exists false', { 'info.jobTitle': { $exists: false } }, ['Ada', 'Grace', 'edsger']],
      ['$startsWith, any case', { 'info.name.first': { $startsWith: 'ED' } }, ['edsger']],
      ['array item', { 'info.emails.email': 'grace@navy.mil' }, ['Grace']],
      // emails compare case-insensitively, as the duplicate check does
      ['email $eq, any case', { 'info.emails.email': { $eq: 'ADA@Example.COM' } }, ['Ada']],
      ['email $ne, any case', { 'info.emails.email': { $ne: 'GRACE@navy.MIL' } }, ['Ada', 'Alan', 'edsger']],
      ['email $in, any case', { 'info.emails.email': { $in: ['nobody@x.com', 'GRACE@NAVY.MIL'] } }, ['Grace']],
      ['email $nin, any case', { 'info.emails.email': { $nin: ['Ada@Example.com'] } }, ['Alan', 'Grace', 'edsger']],
      ['email $startsWith, any case', { 'info.emails.email': { $startsWith: 'GRACE@n' } }, ['Grace']],
      ['primaryInfo.email $eq, any case', { 'primaryInfo.email': 'grace@NAVY.mil' }, ['Grace']],
      ['primaryInfo.email $in, any case', { 'primaryInfo.email': { $in: ['ADA@EXAMPLE.COM'] } }, ['Ada']],
      ['primaryInfo.email $nin, any case', { 'primaryInfo.email': { $nin: ['ada@EXAMPLE.com', 'Grace@Navy.MIL'] } }, ['Alan', 'edsger']],
      ['primaryEmail.email $eq, any case', { 'primaryEmail.email': { $eq: 'Ada@example.com' } }, ['Ada']],
      ['primaryEmail.email $ne, any case', { 'primaryEmail.email': { $ne: 'GRACE@navy.mil' } }, ['Ada', 'Alan', 'edsger']],
      ['primaryEmail.email $startsWith, any case', { 'primaryEmail.email': { $startsWith: 'grace' } }, ['Grace']],
      ['phone e164', { 'info.phones.e164Phone': { $startsWith: '+44' } }, ['Alan']],
      ['$hasSome', { 'info.labelKeys': { $hasSome: ['custom.math'] } }, ['Ada', 'edsger']],
      ['$hasAll', { 'info.labelKeys': { $hasAll: ['custom.vip', 'custom.math'] } }, ['Ada']],
      ['address', { 'info.addresses.country': 'GB' }, ['Ada']],
      ['birthdate range', { 'info.birthdate': { $lt: '1900-01-01' } }, ['Ada']],
      ['primaryInfo', { 'primaryInfo.email': { $startsWith: 'grace' } }, ['Grace']],
      ['$and', { $and: [{ 'info.labelKeys': { $hasSome: ['custom.vip'] } }, { 'info.company': 'Navy' }] }, ['Grace']],
      ['$or', { $or: [{ 'info.company': 'Navy' }, { 'info.jobTitle': 'Codebreaker' }] }, ['Alan', 'Grace']],
      ['$not', { $not: { 'info.labelKeys': { $hasSome: ['custom.vip'] } } }, ['Alan', 'edsger']],
      ['NUMBER field', { 'info.extendedFields.custom.size': { $gte: 39 } }, ['Grace']],
      ['DATE field', { 'info.extendedFields.custom.since': { $gt: '2020-06-01' } }, ['Alan']],
      ['TEXT field', { 'info.extendedFields.custom.note': { $startsWith: 'fir' } }, ['Ada']],
      ['system field', { 'info.extendedFields.contacts.displayByLastName': 'Hopper Grace' }, ['Grace']],
    ])('%s', async (_label, filter, expected) => {
      expect(await sorted(filter)).toEqual(expected);
    });

    it('dates: createdDate ranges and sort', async () => {
      const all = await app.queries.query(site, { sort: [{ fieldName: 'createdDate', order: 'ASC' }] });
      expect(all.contacts.map((c) => c.info?.name?.first)).toEqual(['Ada', 'Grace', 'Alan', 'edsger']);
      const from = all.contacts[1].createdDate!;
      expect(await sorted({ createdDate: { $gte: from } })).toEqual(expect.arrayContaining(['Grace', 'Alan', 'edsger']));
    });

    it('search, ANDed with the filter', async () => {
      expect(await sorted({}, 'lovelace')).toEqual(['Ada']);
      expect(await sorted({}, 'Ada Lovelace')).toEqual(['Ada']);
      expect(await sorted({}, 'grace navy')).toEqual(['Grace']); // a name and a word of the email
      expect(await sorted({}, 'codebreaker')).toEqual(['Alan']); // the job title
      expect(await sorted({}, 'EINDH')).toEqual(['edsger']); // the company, any case
      expect(await sorted({}, '+1 (415) 555-0100')).toEqual(['Grace']);
      expect(await sorted({}, '4155550100')).toEqual(['Grace']);
      expect(await sorted({}, 'a')).toEqual(['Ada', 'Alan']);
      expect(await sorted({}, 'ovelace')).toEqual([]); // words match from their start
      expect(await sorted({ 'info.company': 'Navy' }, 'ada')).toEqual([]);
      expect(await sorted({ 'info.labelKeys': { $hasSome: ['custom.vip'] } }, 'hopper')).toEqual(['Grace']);
    });

    it('counts a search no further than its limit, and says there are more', async () => {
      const capped = createContactsApplication({ eventStore: new InMemoryEventStore(), readStore: store, owners, logger, searchCountLimit: 1, dataKeys: testDataKeys() });
      const broad = await capped.queries.query(site, { search: 'a', paging: { limit: 5 } });
      expect({ names: broad.contacts.map((c) => c.info?.name?.first).sort(), paging: broad.pagingMetadata }).toEqual({ names: ['Ada', 'Alan'], paging: { count: 2, offset: 0, total: 1, tooManyToCount: true } });
      expect((await capped.queries.query(site, { search: 'lovelace' })).pagingMetadata).toEqual({ count: 1, offset: 0, total: 1, tooManyToCount: false });
      expect((await capped.queries.query(site, { filter: {} })).pagingMetadata).toMatchObject({ total: 4, tooManyToCount: false }); // filters count exactly
    });

    describe('cursor paging', () => {
      type Page = { contacts: { info?: { name?: { first?: string } } }[]; pagingMetadata: { count: number; cursors: { next: string | null; prev: string | null }; hasNext: boolean } };
      const cursorPage = async (payload: Record<string, unknown>) => (await app.queries.query(site, payload)) as unknown as Page;
      const firstNames = (page: Page) => page.contacts.map((c) => c.info?.name?.first);

      /** Every page forwards, then back from the last one: the names in the order each walk met them. */
      async function walk(query: Record<string, unknown>, limit: number) {
        const forwards: (string | undefined)[] = [];
        let page = await cursorPage({ ...query, cursorPaging: { limit } });
        const pages = [page];
        forwards.push(...firstNames(page));
        while (page.pagingMetadata.cursors.next) {
          page = await cursorPage({ cursorPaging: { limit, cursor: page.pagingMetadata.cursors.next } });
          pages.push(page);
          forwards.push(...firstNames(page));
        }
        expect(page.pagingMetadata.hasNext).toBe(false);
        const backwards: (string | undefined)[] = [];
        while (page.pagingMetadata.cursors.prev) {
          page = await cursorPage({ cursorPaging: { limit, cursor: page.pagingMetadata.cursors.prev } });
          backwards.unshift(...firstNames(page));
          expect(page.pagingMetadata.hasNext).toBe(true);
        }
        return { forwards, backwards, pages: pages.length, last: pages[pages.length - 1].pagingMetadata.count };
      }

      it.each([
        ['newest first', {}],
        ['by company, those without one first', { sort: [{ fieldName: 'info.company', order: 'ASC' }] }],
        ['by company descending, those without one last', { sort: [{ fieldName: 'info.company', order: 'DESC' }] }],
        ['by last name, with a filter', { filter: { 'info.labelKeys': { $hasSome: ['custom.vip', 'custom.math'] } }, sort: [{ fieldName: 'info.name.last', order: 'ASC' }] }],
        ['with a search', { search: 'a' }],
      ])('walks every contact once each way, %s', async (_, query) => {
        const all = await names({ ...query, paging: { limit: 100 } });
        for (const limit of [1, 3, 100]) {
          const { forwards, backwards, pages, last } = await walk(query, limit);
          expect({ limit, forwards, backwards, pages }).toEqual({ limit, forwards: all, backwards: all.slice(0, all.length - last), pages: Math.max(1, Math.ceil(all.length / limit)) });
        }
      });

      it('answers count, cursors and hasNext, and no total', async () => {
        const first = await cursorPage({ cursorPaging: { limit: 3 } });
        expect(first.pagingMetadata).toEqual({ count: 3, cursors: { next: expect.any(String), prev: null }, hasNext: true });
        const second = await cursorPage({ cursorPaging: { limit: 3, cursor: first.pagingMetadata.cursors.next }, fieldsets: ['BASIC'] });
        expect(second.pagingMetadata).toEqual({ count: 1, cursors: { next: null, prev: expect.any(String) }, hasNext: false });
        expect(Object.keys(second.contacts[0]).sort()).toEqual(['id', 'info', 'primaryInfo', 'revision']);
      });

      it('refuses a cursor with a filter, sort or search of its own, paging beside it, and a cursor it never gave', async () => {
        const { pagingMetadata } = await cursorPage({ cursorPaging: { limit: 1 } });
        const cursor = pagingMetadata.cursors.next;
        for (const extra of [{ filter: {} }, { sort: [] }, { search: 'ada' }]) {
          await expect(app.queries.query(site, { ...extra, cursorPaging: { cursor } })).rejects.toThrow(/cursorPaging\.cursor.*cannot be combined/);
        }
        await expect(app.queries.query(site, { paging: { limit: 1 }, cursorPaging: {} })).rejects.toThrow(/paging/);
        await expect(app.queries.query(site, { cursorPaging: { limit: 1001 } })).rejects.toThrow(/cursorPaging\.limit/);
        await expect(app.queries.query(site, { cursorPaging: { cursor: 'bm90IGEgY3Vyc29y' } })).rejects.toThrow(/cursorPaging\.cursor/);
        const forged = Buffer.from(JSON.stringify({ v: 1, q: { sort: { fieldName: 'x' } }, a: [1, 2], d: 'n' })).toString('base64url');
        await expect(app.queries.query(site, { cursorPaging: { cursor: forged } })).rejects.toThrow(/cursorPaging\.cursor/);
      });
    });

    it('sorts by extended fields and names, pages with totals', async () => {
      expect(await names({ filter: { 'info.extendedFields.custom.size': { $exists: true } }, sort: [{ fieldName: 'info.extendedFields.custom.size', order: 'DESC' }] })).toEqual(['Grace', 'Ada']);
      const page = await app.queries.query(site, { sort: [{ fieldName: 'info.name.last', order: 'ASC' }], paging: { limit: 2, offset: 1 } });
      expect(page.contacts.map((c) => c.info?.name?.last)).toEqual(['Hopper', 'Lovelace']);
      expect(page.pagingMetadata).toEqual({ count: 2, offset: 1, total: 4, tooManyToCount: false });
    });

    it('sorts emails by their values as stored, not lowercased', async () => {
      // 'G' sorts before 'a'; lowercased, 'ada' would come first. Contacts without an email sort first, as in MongoDB.
      expect(await names({ sort: [{ fieldName: 'primaryInfo.email', order: 'ASC' }] })).toEqual(['Alan', 'edsger', 'Grace', 'Ada']);
      expect(await names({ filter: { 'primaryEmail.email': { $exists: true } }, sort: [{ fieldName: 'primaryEmail.email', order: 'DESC' }] })).toEqual(['Ada', 'Grace']);
    });

    it('refuses names of Object.prototype members as fields, in queries and bulk selections', async () => {
      for (const filter of [{ constructor: 'nobody' }, { toString: 'x' }, JSON.parse('{"__proto__": "x"}'), { $or: [{ hasOwnProperty: 'x' }] }]) {
        await expect(app.queries.query(site, { filter })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT', violations: [expect.objectContaining({ violatedRule: 'UNSUPPORTED_FIELD' })] });
        await expect(app.queries.matchingIds(site, filter, undefined)).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
      }
      await expect(app.queries.query(site, { sort: [{ fieldName: 'constructor' }] })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
      await expect(app.queries.query(site, { fields: ['constructor'] })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
      await expect(app.queries.query(site, { filter: { 'info.extendedFields.constructor': 'x' } })).rejects.toThrow(/info\.extendedFields\.constructor/);
    });

    it('refuses filters beyond the limits before looking anything up', async () => {
      const field = jest.spyOn(owners, 'field');
      const tooMany = { $or: Array.from({ length: 300 }, (_, i) => ({ [`info.extendedFields.custom.f${i}`]: 'x' })) };
      await expect(app.queries.query(site, { filter: tooMany })).rejects.toMatchObject({ violations: [expect.objectContaining({ field: 'filter', violatedRule: 'MAX_SIZE' })] });
      await expect(app.queries.matchingIds(site, { id: { $in: Array.from({ length: 1001 }, (_, i) => `id-${i}`) } }, undefined)).rejects.toMatchObject({
        violations: [expect.objectContaining({ field: 'filter.id.$in', violatedRule: 'MAX_SIZE' })],
      });
      expect(field).not.toHaveBeenCalled();
      field.mockRestore();
    });

    it("refuses operators outside a field's type, naming the field", async () => {
      await expect(app.queries.query(site, { filter: { 'info.extendedFields.custom.size': { $startsWith: '3' } } })).rejects.toThrow(/custom\.size/);
      await expect(app.queries.query(site, { filter: { 'info.extendedFields.custom.unknown': 1 } })).rejects.toThrow(/custom\.unknown/);
      await expect(app.queries.query(site, { sort: [{ fieldName: 'info.emails.email' }] })).rejects.toThrow(/info\.emails\.email/);
    });
  });
}

describeContactQueries('the embedded read store', async () => new EmbeddedReadStore());
describeContactQueries('the SQLite read store', async () => new SqliteReadStore(':memory:'));

const mongoUrl = process.env.MONGODB_URL;
// A database of its own per run: projection checkpoints must not leak between runs.
if (mongoUrl) {
  describeContactQueries('MongoDB', async () => new MongoReadStore(mongoUrl, `contact_queries_${randomUUID().slice(0, 8)}`).connect());
  describeIndexedLookups(mongoUrl);
} else {
  describe('contact queries on MongoDB', () => {
    it.skip('skipped: MONGODB_URL is not set (tools/infra starts a MongoDB-wire server for it)', () => undefined);
  });
}

/**
 * The lookups by email a sync or an import makes once per contact must read the matches only,
 * not the site: checked with MongoDB's explain on the filters the queries send. A planner that
 * matches a filter's top-level fields to an index's leading keys (CI's MongoDB-wire server)
 * scans the collection for a `$and` or for a field the index lacks.
 */
function describeIndexedLookups(url: string) {
  describe('lookups by email on MongoDB', () => {
    const site: RequestContext = { siteId: `site-${randomUUID()}`, actor: { type: 'API_KEY', id: 'k' }, correlationId: 'c' };
    const database = `contact_lookups_${randomUUID().slice(0, 8)}`;
    const sent: Filter[] = [];
    let store: MongoReadStore;
    let raw: MongoClient;
    let app: ContactsApplication;

    beforeAll(async () => {
      store = await new MongoReadStore(url, database).connect();
      raw = await new MongoClient(url).connect();
      app = createContactsApplication({ eventStore: new InMemoryEventStore(), readStore: recordingFilters(store, sent), owners, logger, dataKeys: testDataKeys() });
      await app.projection.start();
      for (let i = 0; i < 20; i++) await app.commands.create(site, { info: { name: { first: `P${i}` }, emails: { items: [{ email: `p${i}@example.com` }] } } });
    }, 60_000);
    afterAll(async () => {
      await app.projection.stop();
      await raw.db(database).dropDatabase();
      await raw.close();
      await store.close();
    });

    async function examined(lookup: () => Promise<unknown>): Promise<{ returned: number; documentsExamined: number }[]> {
      sent.length = 0;
      await lookup();
      expect(sent.length).toBeGreaterThan(0);
      const plans = await Promise.all(sent.map((filter) => raw.db(database).collection('contacts').find(filter).explain('executionStats')));
      return plans.map((plan) => ({ returned: plan.executionStats.nReturned, documentsExamined: plan.executionStats.totalDocsExamined }));
    }

    it.each([
      ['Query Contacts by info.emails.email', () => app.queries.query(site, { filter: { 'info.emails.email': { $in: ['P7@EXAMPLE.COM'] } } })],
      ['Query Contacts by info.emails.email $eq', () => app.queries.query(site, { filter: { 'info.emails.email': 'p7@example.com' } })],
      ['Query Contacts by primaryInfo.email', () => app.queries.query(site, { filter: { 'primaryInfo.email': 'p7@Example.com' } })],
      ['an import row\'s duplicate check', () => app.queries.matchingIds(site, { 'info.emails.email': { $in: ['p7@example.com'] } }, undefined)],
    ])('%s reads only the match', async (_, lookup) => {
      expect(await examined(lookup)).toEqual(sent.map(() => ({ returned: 1, documentsExamined: 1 })));
    });
  });
}

/** The store, with every filter sent to its contacts collection's reads kept in `sent`. */
function recordingFilters(store: ReadStore, sent: Filter[]): ReadStore {
  const reads = new Set<string | symbol>(['find', 'findPage', 'scan']);
  return new Proxy(store, {
    get(target, property) {
      if (property !== 'collection') return Reflect.get(target, property, target);
      return (name: string) => {
        const collection = target.collection(name);
        if (name !== 'contacts') return collection;
        return new Proxy(collection, {
          get(inner, method) {
            const value = Reflect.get(inner, method, inner);
            if (typeof value !== 'function') return value;
            if (!reads.has(method)) return value.bind(inner);
            return (filter: Filter, ...rest: unknown[]) => {
              sent.push(filter);
              return value.call(inner, filter, ...rest);
            };
          },
        });
      };
    },
  });
}
