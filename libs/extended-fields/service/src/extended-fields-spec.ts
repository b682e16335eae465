import { CatalogSpec, COMMON_DEFINITION_FIELDS, definitionField } from '@cp/catalog-application';
import { AppError } from '@cp/errors';
import { evolveFieldCatalog, FieldCatalogEventRecord, FieldDefinition, openFieldCatalog } from '@cp/extended-fields-domain';
import { FieldTable } from '@cp/query';

/** API.md §8.3. */
export const EXTENDED_FIELD_FIELDS: FieldTable = {
  fields: {
    ...COMMON_DEFINITION_FIELDS,
    fieldType: definitionField('fieldType', 'string', ['$eq']),
    dataType: definitionField('dataType', 'string', ['$eq', '$ne']),
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
