import { Harness, KEYS, startHarness, uniqueSite } from './harness';

/** Free-text search and cursor paging of Query Contacts, over HTTP, as a sync app uses them. */
describe('search and cursor paging over HTTP', () => {
  let app: Harness;
  const siteA = { key: KEYS.syncApp, site: uniqueSite('search-a') };
  const siteB = { key: KEYS.syncApp, site: uniqueSite('search-b') };
  const query = (body: unknown, as = siteA) => app.call('POST', '/contacts/v4/contacts/query', { ...as, body });
  const firstNames = (response: { body: { contacts: { info?: { name?: { first?: string } } }[] } }) => response.body.contacts.map((c) => c.info?.name?.first);

  beforeAll(async () => {
    app = await startHarness();
    const people = [
      { name: { first: 'Ada', last: 'Lovelace' }, emails: { items: [{ email: 'ada@example.com' }] }, phones: { items: [{ phone: '+1 (415) 555-0101' }] } },
      { name: { first: 'Édouard', last: 'Lucas' }, company: 'Lycée Saint-Louis', jobTitle: 'Mathematician' },
      { name: { first: 'Adam', last: 'Smith' } },
    ];
    for (const info of people) expect((await app.call('POST', '/contacts/v4/contacts', { ...siteA, body: { info } })).status).toBe(200);
    for (let i = 0; i < 22; i++) expect((await app.call('POST', '/contacts/v4/contacts', { ...siteA, body: { info: { name: { first: `Walker${String(i).padStart(2, '0')}` } } } })).status).toBe(200);
    expect((await app.call('POST', '/contacts/v4/contacts', { ...siteB, body: { info: { name: { first: 'Ada', last: 'Other' } } } })).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  it.each([
    ['Ada Lovelace', ['Ada']],
    ['lovelace', ['Ada']],
    ['+1 (415) 555-0101', ['Ada']],
    ['4155550101', ['Ada']],
    ['ada', ['Adam', 'Ada']],
    ['EDOUARD', ['Édouard']],
    ['lycee mathem', ['Édouard']],
    ['ovelace', []],
  ])('search %j finds %j of its own site only', async (search, names) => {
    const response = await query({ search });
    expect(response.status).toBe(200);
    expect(firstNames(response)).toEqual(names);
    expect(response.body.pagingMetadata.total).toBe(names.length);
  });

  it('walks a query by cursor, page after page, and back', async () => {
    const filter = { 'info.name.first': { $startsWith: 'walker' } };
    const seen: string[] = [];
    let response = await query({ query: { filter, sort: [{ fieldName: 'info.name.first', order: 'ASC' }], cursorPaging: { limit: 10 } } });
    const pages = [response];
    for (;;) {
      expect(response.status).toBe(200);
      seen.push(...(firstNames(response) as string[]));
      const next = response.body.pagingMetadata.cursors.next;
      if (!next) break;
      response = await query({ query: { cursorPaging: { limit: 10, cursor: next } } });
      pages.push(response);
    }
    expect(seen).toEqual(Array.from({ length: 22 }, (_, i) => `Walker${String(i).padStart(2, '0')}`));
    expect(pages.map((page) => page.body.pagingMetadata.count)).toEqual([10, 10, 2]);
    expect(pages.map((page) => page.body.pagingMetadata.hasNext)).toEqual([true, true, false]);
    expect(pages[0].body.pagingMetadata.cursors.prev).toBeNull();
    const back = await query({ query: { cursorPaging: { limit: 10, cursor: pages[2].body.pagingMetadata.cursors.prev } } });
    expect(firstNames(back)).toEqual(seen.slice(10, 20));
  });

  it('reads the caller\'s site only, whatever cursor it is given', async () => {
    const first = await query({ query: { filter: { 'info.name.first': { $startsWith: 'walker' } }, cursorPaging: { limit: 1 } } });
    const cursor = first.body.pagingMetadata.cursors.next;
    expect(typeof cursor).toBe('string');
    const asB = await query({ query: { cursorPaging: { limit: 5, cursor } } }, siteB);
    expect(asB.status).toBe(200);
    expect(asB.body.contacts).toEqual([]); // site B has no walker, and the cursor carries no site
    const bSearch = await query({ search: 'ada' }, siteB);
    expect(bSearch.body.contacts.map((c: { info: { name: { last: string } } }) => c.info.name.last)).toEqual(['Other']);
  });

  it.each([
    ['a cursor it never gave', { query: { cursorPaging: { cursor: 'bm90IGEgY3Vyc29y' } } }, 'cursorPaging.cursor'],
    ['a cursor and a filter', { query: { filter: {}, cursorPaging: { cursor: 'eyJ2IjoxfQ' } } }, 'cursorPaging.cursor'],
    ['paging and cursorPaging', { query: { paging: { limit: 5 }, cursorPaging: { limit: 5 } } }, 'paging'],
    ['a limit over 1000', { query: { cursorPaging: { limit: 1001 } } }, 'cursorPaging.limit'],
    ['a cursor that is not a string', { query: { cursorPaging: { cursor: 12 } } }, 'query.cursorPaging.cursor'],
  ])('answers 400 with the error envelope for %s', async (_, body, field) => {
    const response = await query(body);
    expect(response.status).toBe(400);
    expect(response.body.details.validationError.fieldViolations.map((v: { field: string }) => v.field)).toContain(field);
  });
});
