import { Catalog, catalogOpened, Dated, definitionCreated, definitionDeleted, definitionRenamed, emptyCatalog } from '@cp/catalog-domain';

/**
 * A site's labels form one aggregate, the label catalog (stream `labels-<siteId>`), so that
 * concurrent Find Or Create calls cannot create the same label twice and the quota holds.
 */
export type LabelType = 'SYSTEM' | 'USER_DEFINED' | 'WIX_APP_DEFINED';

export interface LabelDefinition {
  key: string;
  namespace: string;
  namespaceDisplayName: string;
  displayName: string;
  labelType: LabelType;
}

export type Label = Dated<LabelDefinition>;
export type LabelCatalog = Catalog<LabelDefinition>;

/** The label catalog's stored event types, written here only: they are in every stored label stream and are the integration events' types. */
export const LABEL_EVENT_TYPES = { opened: 'LabelCatalogOpened', created: 'LabelCreated', renamed: 'LabelRenamed', deleted: 'LabelDeleted' } as const;

export type LabelEvent =
  | { type: typeof LABEL_EVENT_TYPES.opened; data: { system: LabelDefinition[] } }
  | { type: typeof LABEL_EVENT_TYPES.created; data: LabelDefinition }
  | { type: typeof LABEL_EVENT_TYPES.renamed; data: { key: string; displayName: string } }
  | { type: typeof LABEL_EVENT_TYPES.deleted; data: { key: string } };

/** A label event as stored: with the time it occurred, which dates the labels. */
export type LabelEventRecord = LabelEvent & { occurredAt: string };

export const LABEL_LIMITS = { keyLength: 80, displayNameLength: 180, namespaceLength: 25 };
export const CUSTOM_NAMESPACE = 'custom';

/** The system labels every site starts with. */
export const SYSTEM_LABELS: readonly LabelDefinition[] = [
  { key: 'contacts.contacted-me', namespace: 'contacts', namespaceDisplayName: 'Contacts', displayName: 'Contacted Me', labelType: 'SYSTEM' },
  { key: 'contacts.customers', namespace: 'contacts', namespaceDisplayName: 'Contacts', displayName: 'Customers', labelType: 'SYSTEM' },
];

export const initialLabelCatalog = (): LabelCatalog => emptyCatalog<LabelDefinition>();

export function evolveLabelCatalog(state: LabelCatalog, event: LabelEventRecord): LabelCatalog {
  switch (event.type) {
    case LABEL_EVENT_TYPES.opened:
      return catalogOpened(state, event.data.system);
    case LABEL_EVENT_TYPES.created:
      return definitionCreated(state, event.data, event.occurredAt);
    case LABEL_EVENT_TYPES.renamed:
      return definitionRenamed(state, event.data.key, event.data.displayName, event.occurredAt);
    case LABEL_EVENT_TYPES.deleted:
      return definitionDeleted(state, event.data.key);
    default:
      return state; // a type this version does not know
  }
}

export const foldLabelCatalog = (events: readonly LabelEventRecord[]): LabelCatalog => events.reduce(evolveLabelCatalog, initialLabelCatalog());
