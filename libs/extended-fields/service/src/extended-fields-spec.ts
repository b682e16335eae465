import { CatalogSpec, COMMON_DEFINITION_FIELDS, definitionField } from '@cp/catalog-application';
import { PublicEntityFqdns, PublicEventTopics } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { evolveFieldCatalog, ExtendedField, FIELD_EVENT_TYPES, FieldCatalogEventRecord, FieldDefinition, openFieldCatalog } from '@cp/extended-fields-domain';
import { FieldTable } from '@cp/query';

/** API.md §8.3. */
export const EXTENDED_FIELD_FIELDS: FieldTable = {
  fields: {
    ...COMMON_DEFINITION_FIELDS,
    fieldType: definitionField('fieldType', 'string', ['$eq']),
    dataType: definitionField('dataType', 'string', ['$eq', '$ne']),
  },
};

/** The API shows a field without our internal `writable` flag. */
export function fieldToApi(field: ExtendedField): Omit<ExtendedField, 'writable'> {
  const { writable: _writable, ...shown } = field;
  return shown;
}

export const EXTENDED_FIELDS_SPEC: CatalogSpec<FieldDefinition> = {
  name: 'extended-fields',
  streamPrefix: 'extendedfields-',
  eventTypes: FIELD_EVENT_TYPES,
  evolve: (state, event) => evolveFieldCatalog(state, event as FieldCatalogEventRecord),
  open: openFieldCatalog,
  notFound: (key) => AppError.notFound('EXTENDED_FIELD_NOT_FOUND', `No extended field with key ${key}`, { key }),
  collection: 'extended_fields',
  fields: EXTENDED_FIELD_FIELDS,
  typeProperty: 'fieldType',
  paging: { limit: 100, max: 1000 },
  toApi: fieldToApi,
  publicEvents: {
    topic: PublicEventTopics.extendedFields,
    entityFqdn: PublicEntityFqdns.extendedField,
    eventTypes: { created: 'wix.contacts.v4.extended-field_created', updated: 'wix.contacts.v4.extended-field_updated', deleted: 'wix.contacts.v4.extended-field_deleted' },
  },
};
