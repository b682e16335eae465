import { CatalogSpec, definitionField } from '@cp/catalog-application';
import { AppError } from '@cp/errors';
import { evolveLabelCatalog, LabelCatalogEventRecord, LabelDefinition, openLabelCatalog } from '@cp/labels-domain';
import { COMPARISON, FieldTable } from '@cp/query';

const field = definitionField;

/** API.md §7.3; the query operators of §7.2 also apply. */
export const LABEL_FIELDS: FieldTable = {
  fields: {
    key: field('key', 'string', ['$eq', '$ne', '$in']),
    displayName: field('displayName', 'string', ['$eq', '$ne', '$in', '$startsWith'], true),
    createdDate: field('createdDate', 'date', COMPARISON, true),
    updatedDate: field('updatedDate', 'date', COMPARISON, true),
    namespace: field('namespace', 'string', ['$eq', '$ne']),
    labelType: field('labelType', 'string', ['$eq']),
  },
};

export const LABELS_SPEC: CatalogSpec<LabelDefinition> = {
  name: 'labels',
  streamPrefix: 'labels-',
  eventTypes: { opened: 'LabelCatalogOpened', created: 'LabelCreated', renamed: 'LabelRenamed', deleted: 'LabelDeleted' },
  evolve: (state, event) => evolveLabelCatalog(state, event as LabelCatalogEventRecord),
  open: openLabelCatalog,
  notFound: (key) => AppError.notFound('LABEL_NOT_FOUND', `No label with key ${key}`, { key }),
  collection: 'labels',
  fields: LABEL_FIELDS,
  typeProperty: 'labelType',
  paging: { limit: 1000, max: 2000 },
};
