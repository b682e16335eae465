import { AppError } from '@cp/errors';
import { evolveLabelCatalog, LabelCatalogEventRecord, LabelDefinition, openLabelCatalog } from '@cp/labels-domain';
import { PublicEntityFqdns, PublicEventTopics } from '@cp/contracts';
import { COMPARISON } from '@cp/query';
import { CatalogSpec } from '../catalog-spec';

/** A label catalog as the labels service specifies it, for the catalog's own suites. */
export const testLabelSpec: CatalogSpec<LabelDefinition> = {
  name: 'labels',
  streamPrefix: 'labels-',
  eventTypes: { opened: 'LabelCatalogOpened', created: 'LabelCreated', renamed: 'LabelRenamed', deleted: 'LabelDeleted' },
  evolve: (state, event) => evolveLabelCatalog(state, event as LabelCatalogEventRecord),
  open: openLabelCatalog,
  notFound: (key) => AppError.notFound('LABEL_NOT_FOUND', key),
  collection: 'labels',
  fields: {
    fields: {
      displayName: { path: 'definition.displayName', kind: 'string', operators: ['$eq', '$startsWith'], sortable: true },
      createdDate: { path: 'definition.createdDate', kind: 'date', operators: COMPARISON, sortable: true },
      labelType: { path: 'definition.labelType', kind: 'string', operators: ['$eq'] },
    },
  },
  typeProperty: 'labelType',
  paging: { limit: 1000, max: 2000 },
  toApi: (label) => label,
  publicEvents: {
    topic: PublicEventTopics.labels,
    entityFqdn: PublicEntityFqdns.label,
    eventTypes: { created: 'wix.contacts.v4.label_created', updated: 'wix.contacts.v4.label_updated', deleted: 'wix.contacts.v4.label_deleted' },
  },
};
