import { CatalogListPayload, CatalogQueryBody, CatalogQueryPayload } from '@cp/contracts';
import { QueryParams, single } from '../http/query-params';

/** List query string (`<type>`, `namespace`, `startsWith`, `sort.*`, `paging.*`) as a list payload. */
export function catalogListPayload(params: QueryParams, typeParam: string): CatalogListPayload {
  const fieldName = single(params, 'sort.fieldName');
  return {
    type: single(params, typeParam),
    namespace: single(params, 'namespace'),
    startsWith: single(params, 'startsWith'),
    sort: fieldName ? { fieldName, order: single(params, 'sort.order') } : undefined,
    paging: { limit: single(params, 'paging.limit'), offset: single(params, 'paging.offset') },
  };
}

/** Accepts `{ query: { filter, sort, paging } }` and the same keys at the top level. */
export function catalogQueryPayload(body: CatalogQueryBody): CatalogQueryPayload {
  const query = body.query ?? {};
  return { filter: query.filter ?? body.filter, sort: query.sort ?? body.sort, paging: query.paging ?? body.paging };
}
