import { CatalogSpec, definitionField } from '@cp/catalog-application';
import { AppError } from '@cp/errors';
import { evolveFieldCatalog, FieldCatalogEventRecord, FieldDefinition, openFieldCatalog } from '@cp/extended-fields-domain';
import { COMPARISON, FieldTable } from '@cp/query';

const field = definitionField;

/** API.md §8.3. */
export const EXTENDED_FIELD_FIELDS: FieldTable = {
  fields: {
    key: field('key', 'string', ['$eq', '$ne', '$in']),
    displayName: field('displayName', 'string', ['$eq', '$ne', '$in', '$startsWith'], true),
    createdDate: field('createdDate', 'date', COMPARISON, true),
    updatedDate: field('updatedDate', 'date', COMPARISON, true),
    namespace: field('namespace', 'string', ['$eq', '$ne']),
    fieldType: field('fieldType', 'string', ['$eq']),
    dataType: field('dataType', 'string', ['$eq', '$ne']),
  },
};

export const EXTENDED_FIELDS_SPEC: CatalogSpec<FieldDefinition> = {
  name: 'extended-fields',
  streamPrefix: 'extendedfields-',
  eventTypes: { opened: 'ExtendedFieldCatalogOpened', created: 'ExtendedFieldCreated', renamed: 'ExtendedFieldRenamed', deleted: 'ExtendedFieldDeleted' },
  evolve: (state, event) => evolveFieldCatalog(state, event as FieldCatalogEventRecord),
  open: openFieldCatalog,
  notFound: (key) => AppError.notFound('EXTENDED_FIELD_NOT_FOUND', `No extended field with key ${key}`, { key }),
  collection: 'extended_fields',
  fields: EXTENDED_FIELD_FIELDS,
  typeProperty: 'fieldType',
  paging: { limit: 100, max: 1000 },
};
