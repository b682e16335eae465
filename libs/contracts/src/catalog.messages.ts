/** Payloads of the labels and extended-fields patterns. */
export const LabelsPatterns = {
  findOrCreate: 'labels.find-or-create',
  get: 'labels.get',
  rename: 'labels.rename',
  delete: 'labels.delete',
  list: 'labels.list',
  query: 'labels.query',
  health: 'labels.health',
} as const;

export const ExtendedFieldsPatterns = {
  findOrCreate: 'extended-fields.find-or-create',
  get: 'extended-fields.get',
  /** Internal: the full definition (with `writable`) for the contacts service's value checks. */
  definition: 'extended-fields.definition',
  rename: 'extended-fields.rename',
  delete: 'extended-fields.delete',
  list: 'extended-fields.list',
  query: 'extended-fields.query',
  health: 'extended-fields.health',
} as const;

export interface FindOrCreatePayload {
  displayName: string;
  dataType?: string;
  language?: string;
}

export interface KeyPayload {
  key: string;
}

export interface RenamePayload {
  key: string;
  displayName: string;
}

export interface CatalogListPayload {
  /** labelType for labels, fieldType for extended fields; `UNKNOWN` or absent means all. */
  type?: string;
  namespace?: string;
  /** Case-sensitive prefix of the display name. */
  startsWith?: string;
  sort?: { fieldName?: string; order?: string };
  paging?: { limit?: number | string; offset?: number | string };
}

export interface CatalogQueryPayload {
  filter?: Record<string, unknown>;
  sort?: { fieldName?: string; order?: string }[];
  paging?: { limit?: number | string; offset?: number | string };
}
