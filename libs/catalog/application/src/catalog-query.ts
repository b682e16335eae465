import { Dated, Definition } from '@cp/catalog-domain';
import { CatalogListPayload, CatalogQueryPayload, PagingMetadata } from '@cp/contracts';
import { COMPARISON, conjunction, escapeRegex, FieldRule, FieldTable, MongoFilter, resolvePaging, translateSort } from '@cp/query';
import { ReadCollection } from '@cp/read-store';
import { CatalogDocument } from './catalog-read-model';

/** A query-table rule for a definition property (documents keep the definition under `definition`). */
export function definitionField(property: string, kind: FieldRule['kind'], operators: FieldRule['operators'], sortable = false): FieldRule {
  return { path: `definition.${property}`, kind, operators, sortable };
}

/** The fields every catalog (labels §7.3, extended fields §8.3) filters and sorts on. */
export const COMMON_DEFINITION_FIELDS: FieldTable['fields'] = {
  key: definitionField('key', 'string', ['$eq', '$ne', '$in']),
  displayName: definitionField('displayName', 'string', ['$eq', '$ne', '$in', '$startsWith'], true),
  createdDate: definitionField('createdDate', 'date', COMPARISON, true),
  updatedDate: definitionField('updatedDate', 'date', COMPARISON, true),
  namespace: definitionField('namespace', 'string', ['$eq', '$ne']),
};

/** List's filters: by type (`typeProperty`: `labelType`, `fieldType`; `UNKNOWN` is all), namespace and display-name prefix. */
export function listFilter(payload: CatalogListPayload, typeProperty: string): MongoFilter {
  const filter: MongoFilter = {};
  if (payload.type && payload.type !== 'UNKNOWN') filter[`definition.${typeProperty}`] = payload.type;
  if (payload.namespace) filter['definition.namespace'] = payload.namespace;
  if (payload.startsWith) filter['definition.displayName'] = { $regex: `^${escapeRegex(payload.startsWith)}` };
  return filter;
}

/** List's one sort field as Query's sort list. */
export const listSort = (payload: CatalogListPayload): CatalogQueryPayload['sort'] => (payload.sort?.fieldName ? [payload.sort] : undefined);

export interface CatalogPage<D> {
  items: Dated<D>[];
  paging: PagingMetadata;
}

/** What a page is asked for: a filter already translated, and the caller's sort and paging. */
export interface PageRequest {
  filter: MongoFilter;
  sort: CatalogQueryPayload['sort'];
  paging: CatalogQueryPayload['paging'];
}

const DEFAULT_SORT = { 'definition.createdDate': -1 as const };

/** One page of a site's live definitions that match `filter`; newest first unless sorted, ties by key. */
export async function definitionPage<D extends Definition>(
  documents: ReadCollection<CatalogDocument<D>>,
  siteId: string,
  request: PageRequest,
  rules: { fields: FieldTable; paging: { limit: number; max: number } },
): Promise<CatalogPage<D>> {
  const { limit, offset } = resolvePaging(request.paging, rules.paging);
  const sort = translateSort(request.sort, rules.fields, DEFAULT_SORT, 'definition.key');
  const scoped = conjunction([{ siteId, deleted: false }, request.filter]);
  const { docs, total } = await documents.findPage(scoped, { sort, skip: offset, limit });
  return { items: docs.map((doc) => doc.definition), paging: { count: docs.length, offset, total, tooManyToCount: false } };
}
