import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { FIELDSETS } from '@cp/contracts';

/**
 * The query parameters of GET routes, in the SDK's encoding (dotted keys, repeated keys for
 * lists; a comma-separated value is read as a list too). Handlers read them from `@Query()` as a
 * whole (http/query-params.ts), so Nest cannot see them: these decorators document them.
 */
export const ApiQueryParam = (name: string, schema: SchemaObject, description?: string) =>
  ApiQuery({ name, required: false, schema, ...(description && { description }), ...(schema.type === 'array' && { style: 'form', explode: true }) });

const list = (items: SchemaObject): SchemaObject => ({ type: 'array', items });

export const ApiPagingQuery = (limits: string) =>
  applyDecorators(
    ApiQueryParam('paging.limit', { type: 'integer' }, `Items per page (${limits})`),
    ApiQueryParam('paging.offset', { type: 'integer' }, 'Items to skip (default 0)'),
  );

export const ApiSortQuery = () =>
  applyDecorators(ApiQueryParam('sort.fieldName', { type: 'string' }, 'A sortable field'), ApiQueryParam('sort.order', { type: 'string', enum: ['ASC', 'DESC'] }));

/** Which parts of a contact to answer (`id` and `revision` always). */
export const ApiContactProjectionQuery = () =>
  applyDecorators(
    ApiQueryParam('fieldsets', list({ type: 'string', enum: [...FIELDSETS] }), 'Default FULL'),
    ApiQueryParam('fields', list({ type: 'string' }), 'Paths such as info.name, info.emails, primaryInfo'),
  );

/** Lists of labels or extended fields: filters on type and namespace, a name prefix, sort and paging. */
export const ApiCatalogListQuery = (typeParam: string, types: readonly string[]) =>
  applyDecorators(
    ApiQueryParam(typeParam, { type: 'string', enum: [...types] }),
    ApiQueryParam('namespace', { type: 'string' }),
    ApiQueryParam('startsWith', { type: 'string' }, 'A prefix of the display name (case-sensitive)'),
    ApiSortQuery(),
    ApiPagingQuery('default 1000, at most 2000'),
  );
