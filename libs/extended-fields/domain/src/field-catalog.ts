import { Catalog, catalogOpened, Dated, definitionCreated, definitionDeleted, definitionRenamed, emptyCatalog } from '@cp/catalog-domain';

/** A site's extended-field definitions: one aggregate per site (stream `extendedfields-<siteId>`). */
export type FieldDataType = 'TEXT' | 'NUMBER' | 'DATE' | 'URL';
export type FieldType = 'SYSTEM' | 'USER_DEFINED';
export const DATA_TYPES: readonly FieldDataType[] = ['TEXT', 'NUMBER', 'DATE', 'URL'];

export interface FieldDefinition {
  key: string;
  namespace: string;
  displayName: string;
  dataType: FieldDataType;
  fieldType: FieldType;
  description?: string;
  /** System fields only: whether API callers may write values. */
  writable?: boolean;
}

export type ExtendedField = Dated<FieldDefinition>;
export type FieldCatalog = Catalog<FieldDefinition>;

/** The extended-field catalog's stored event types, written here only: they are in every stored field stream and are the integration events' types. */
export const FIELD_EVENT_TYPES = { opened: 'ExtendedFieldCatalogOpened', created: 'ExtendedFieldCreated', renamed: 'ExtendedFieldRenamed', deleted: 'ExtendedFieldDeleted' } as const;

export type FieldEvent =
  | { type: typeof FIELD_EVENT_TYPES.opened; data: { system: FieldDefinition[] } }
  | { type: typeof FIELD_EVENT_TYPES.created; data: FieldDefinition }
  | { type: typeof FIELD_EVENT_TYPES.renamed; data: { key: string; displayName: string } }
  | { type: typeof FIELD_EVENT_TYPES.deleted; data: { key: string } };

/** A field event as stored: with the time it occurred, which dates the fields. */
export type FieldEventRecord = FieldEvent & { occurredAt: string };

export const FIELD_LIMITS = { customFields: 100, keyLength: 80, displayNameLength: 180 };

export const initialFieldCatalog = (): FieldCatalog => emptyCatalog<FieldDefinition>();

export function evolveFieldCatalog(state: FieldCatalog, event: FieldEventRecord): FieldCatalog {
  switch (event.type) {
    case FIELD_EVENT_TYPES.opened:
      return catalogOpened(state, event.data.system);
    case FIELD_EVENT_TYPES.created:
      return definitionCreated(state, event.data, event.occurredAt);
    case FIELD_EVENT_TYPES.renamed:
      return definitionRenamed(state, event.data.key, event.data.displayName, event.occurredAt);
    case FIELD_EVENT_TYPES.deleted:
      return definitionDeleted(state, event.data.key);
    default:
      return state; // a type this version does not know
  }
}

export const foldFieldCatalog = (events: readonly FieldEventRecord[]): FieldCatalog => events.reduce(evolveFieldCatalog, initialFieldCatalog());
