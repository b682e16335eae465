import { EmbeddedReadStore } from '@cp/read-store';
import { CatalogDocument, catalogDocumentId, definitionPage, listFilter, putDefinition } from './index';

type Def = { key: string; displayName: string; kind: string };

describe('catalog read model', () => {
  const documents = () => new EmbeddedReadStore().collection<CatalogDocument<Def>>('defs');

  it('writes a definition only from an event newer than its document', async () => {
    const docs = documents();
    await putDefinition(docs, { siteId: 's', revision: 2 }, 'a', () => ({ key: 'a', displayName: 'A', kind: 'X' }), false);
    await putDefinition(docs, { siteId: 's', revision: 2 }, 'a', () => ({ key: 'a', displayName: 'again', kind: 'X' }), false);
    await putDefinition(docs, { siteId: 's', revision: 1 }, 'a', () => ({ key: 'a', displayName: 'older', kind: 'X' }), false);
    await putDefinition(docs, { siteId: 's', revision: 3 }, 'never-created', (current) => current, true);
    expect(await docs.find({})).toEqual([{ _id: catalogDocumentId('s', 'a'), siteId: 's', revision: 2, deleted: false, definition: { key: 'a', displayName: 'A', kind: 'X' } }]);
  });

  it("pages a site's live definitions, filtered as List asks", async () => {
    const docs = documents();
    for (const [revision, key, site, deleted] of [[1, 'a', 's', false], [2, 'b', 's', false], [3, 'c', 's', true], [4, 'd', 'other', false]] as const) {
      await putDefinition(docs, { siteId: site, revision }, key, () => ({ key, displayName: key.toUpperCase(), kind: 'X', createdDate: `2026-01-0${revision}` }), deleted);
    }
    const page = await definitionPage(docs, 's', { filter: listFilter({ type: 'X', startsWith: 'B' }, 'kind'), sort: undefined, paging: undefined }, { fields: { fields: {} }, paging: { limit: 10, max: 10 } });
    expect(page).toEqual({ items: [expect.objectContaining({ key: 'b' })], paging: { count: 1, offset: 0, total: 1, tooManyToCount: false } });
    const all = await definitionPage(docs, 's', { filter: listFilter({ type: 'UNKNOWN' }, 'kind'), sort: undefined, paging: undefined }, { fields: { fields: {} }, paging: { limit: 10, max: 10 } });
    expect(all.items.map((d) => d.key)).toEqual(['b', 'a']); // newest first
  });
});
