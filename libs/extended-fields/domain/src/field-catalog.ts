import { allocateKey, Catalog, catalogEvolver, CatalogEventRecord, countEntries, Dated, findByDisplayName, foundOrCreatedKey, validDisplayName, emptyCatalog } from '@cp/catalog-domain';
import { AppError } from '@cp/errors';
import { SYSTEM_FIELDS } from './system-fields';

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

/** The extended-field catalog's stored event types, named here only (the evolver, the service's relays and the contacts' consumers read them from here). */
export const FIELD_EVENT_TYPES = { opened: 'ExtendedFieldCatalogOpened', created: 'ExtendedFieldCreated', renamed: 'ExtendedFieldRenamed', deleted: 'ExtendedFieldDeleted' } as const;

export type FieldCatalogEvent =
  | { type: typeof FIELD_EVENT_TYPES.opened; data: { system: FieldDefinition[] } }
  | { type: typeof FIELD_EVENT_TYPES.created; data: FieldDefinition }
  | { type: typeof FIELD_EVENT_TYPES.renamed; data: { key: string; displayName: string } }
  | { type: typeof FIELD_EVENT_TYPES.deleted; data: { key: string } };

export type FieldCatalogEventRecord = FieldCatalogEvent & { occurredAt: string };

export const FIELD_LIMITS = { customFields: 100, keyLength: 80, displayNameLength: 180 };
const CUSTOM_NAMESPACE = 'custom';

const catalog = catalogEvolver<FieldDefinition>(FIELD_EVENT_TYPES);

export const evolveFieldCatalog = (state: FieldCatalog, event: FieldCatalogEventRecord) =>
  catalog.evolve(state, event as CatalogEventRecord<FieldDefinition>);
export const foldFieldCatalog = (events: readonly FieldCatalogEventRecord[]) =>
  catalog.fold(events as readonly CatalogEventRecord<FieldDefinition>[]);

export function openFieldCatalog(state: FieldCatalog): FieldCatalogEvent[] {
  return state.opened ? [] : [{ type: FIELD_EVENT_TYPES.opened, data: { system: SYSTEM_FIELDS.map((f) => ({ ...f })) } }];
}

export interface FindOrCreateFieldResult {
  events: FieldCatalogEvent[];
  key: string;
  newField: boolean;
}

/** The field with exactly this display name (its data type wins), or a new one in `custom`. */
export function findOrCreateField(state: FieldCatalog, displayName: unknown, dataType: unknown): FindOrCreateFieldResult {
  const name = validDisplayName(displayName, FIELD_LIMITS.displayNameLength);
  const existing = findByDisplayName(state, name);
  if (existing) return { events: [], key: existing.key, newField: false };
  if (!DATA_TYPES.includes(dataType as FieldDataType)) {
    throw AppError.invalidField('dataType', `must be one of ${DATA_TYPES.join(', ')}`, dataType === undefined ? 'REQUIRED' : 'INVALID_ARGUMENT');
  }
  const customCount = countEntries(state, (field) => field.fieldType === 'USER_DEFINED');
  if (customCount >= FIELD_LIMITS.customFields) {
    throw new AppError('RESOURCE_EXHAUSTED', 'EXTENDED_FIELDS_LIMIT_REACHED', `A site can have at most ${FIELD_LIMITS.customFields} custom fields`, {
      limit: FIELD_LIMITS.customFields,
    });
  }
  const key = allocateKey(CUSTOM_NAMESPACE, name, (candidate) => state.usedKeys.has(candidate), FIELD_LIMITS.keyLength);
  const definition: FieldDefinition = { key, namespace: CUSTOM_NAMESPACE, displayName: name, dataType: dataType as FieldDataType, fieldType: 'USER_DEFINED' };
  return { events: [...openFieldCatalog(state), { type: FIELD_EVENT_TYPES.created, data: definition }], key, newField: true };
}

export function renameField(state: FieldCatalog, key: string, displayName: unknown): FieldCatalogEvent[] {
  const field = editableField(state, key, 'renamed');
  const name = validDisplayName(displayName, FIELD_LIMITS.displayNameLength, 'field.displayName');
  if (name === field.displayName) return [];
  const clash = findByDisplayName(state, name);
  if (clash) throw AppError.conflict('EXTENDED_FIELD_ALREADY_EXISTS', `Another extended field is already named ${name}`, { key: clash.key });
  return [{ type: FIELD_EVENT_TYPES.renamed, data: { key, displayName: name } }];
}

export function deleteField(state: FieldCatalog, key: string): FieldCatalogEvent[] {
  editableField(state, key, 'deleted');
  return [{ type: FIELD_EVENT_TYPES.deleted, data: { key } }];
}

export function requireField(state: FieldCatalog, key: string): ExtendedField {
  const field = state.entries.get(key);
  if (!field) throw AppError.notFound('EXTENDED_FIELD_NOT_FOUND', `No extended field with key ${key}`, { key });
  return field;
}

function editableField(state: FieldCatalog, key: string, verb: string): ExtendedField {
  const field = requireField(state, key);
  if (field.fieldType !== 'USER_DEFINED') {
    throw AppError.precondition('EXTENDED_FIELD_NOT_EDITABLE', `System extended fields cannot be ${verb}`, { key });
  }
  return field;
}

/** What a site's extended-field catalog is asked to do (Find Or Create, Rename, Delete Extended Field). */
export type FieldCommand =
  | { type: 'FindOrCreateField'; data: { displayName: unknown; dataType: unknown } }
  | { type: 'RenameField'; data: { key: string; displayName: unknown } }
  | { type: 'DeleteField'; data: { key: string } };

export const initialFieldCatalog = (): FieldCatalog => emptyCatalog<FieldDefinition>();

/** The extended-field catalog's decider: a typed command, an exhaustive switch, `evolveFieldCatalog`. */
export function decideFields(command: FieldCommand, state: FieldCatalog): FieldCatalogEvent[] {
  switch (command.type) {
    case 'FindOrCreateField':
      return findOrCreateField(state, command.data.displayName, command.data.dataType).events;
    case 'RenameField':
      return renameField(state, command.data.key, command.data.displayName);
    case 'DeleteField':
      return deleteField(state, command.data.key);
    default:
      return unknownCommand(command);
  }
}

export const fieldDecider = { decide: decideFields, evolve: evolveFieldCatalog, initialState: initialFieldCatalog };

/** What Find Or Create answers, from the catalog after its decision: the field, and whether the decision created it. */
export function foundOrCreatedField(after: FieldCatalog, events: readonly FieldCatalogEvent[], displayName: unknown): { field: ExtendedField; newField: boolean } {
  const { key, created } = foundOrCreatedKey(after, events, FIELD_EVENT_TYPES.created, validDisplayName(displayName, FIELD_LIMITS.displayNameLength));
  return { field: requireField(after, key), newField: created };
}

function unknownCommand(command: never): never {
  throw new Error(`Unknown extended field command ${JSON.stringify(command)}`);
}
