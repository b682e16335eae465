import { CatalogSpec, COMMON_DEFINITION_FIELDS, definitionField } from '@cp/catalog-application';
import { PublicEntityFqdns, PublicEventTopics } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { evolveLabelCatalog, LABEL_EVENT_TYPES, LabelCatalogEventRecord, LabelDefinition, openLabelCatalog } from '@cp/labels-domain';
import { FieldTable } from '@cp/query';

/** API.md §7.3; the query operators of §7.2 also apply. */
export const LABEL_FIELDS: FieldTable = {
  fields: {
    ...COMMON_DEFINITION_FIELDS,
    labelType: definitionField('labelType', 'string', ['$eq']),
  },
};

export const LABELS_SPEC: CatalogSpec<LabelDefinition> = {
  name: 'labels',
  streamPrefix: 'labels-',
  eventTypes: LABEL_EVENT_TYPES,
  evolve: (state, event) => evolveLabelCatalog(state, event as LabelCatalogEventRecord),
  open: openLabelCatalog,
  notFound: (key) => AppError.notFound('LABEL_NOT_FOUND', `No label with key ${key}`, { key }),
  collection: 'labels',
  fields: LABEL_FIELDS,
  typeProperty: 'labelType',
  paging: { limit: 1000, max: 2000 },
  toApi: (label) => label,
  publicEvents: {
    topic: PublicEventTopics.labels,
    entityFqdn: PublicEntityFqdns.label,
    eventTypes: { created: 'wix.contacts.v4.label_created', updated: 'wix.contacts.v4.label_updated', deleted: 'wix.contacts.v4.label_deleted' },
  },
};
