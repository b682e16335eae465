import { allocateKey, countEntries, findByDisplayName, validDisplayName } from '@cp/catalog-domain';
import { AppError } from '@cp/errors';
import { DATA_TYPES, evolveFieldCatalog, ExtendedField, FIELD_EVENT_TYPES, FIELD_LIMITS, FieldCatalog, FieldDataType, FieldDefinition, FieldEvent, initialFieldCatalog } from './field-catalog';
import { SYSTEM_FIELDS } from './system-fields';

const CUSTOM_NAMESPACE = 'custom';

/** What a site's extended-field catalog is asked to do: open (before any read), Find Or Create, Rename, Delete Extended Field. */
export type FieldCommand =
  | { type: 'OpenFieldCatalog' }
  | { type: 'FindOrCreateField'; data: { displayName: unknown; dataType: unknown } }
  | { type: 'RenameField'; data: { key: string; displayName: unknown } }
  | { type: 'DeleteField'; data: { key: string } };

/**
 * The extended-field catalog's decider. A catalog is opened by its first change (or read), so
 * the system fields come first in every stream; Rename and Delete need a field that exists,
 * which an unopened catalog has none of.
 */
export function decideFields(command: FieldCommand, state: FieldCatalog): FieldEvent[] {
  switch (command.type) {
    case 'OpenFieldCatalog':
      return openFieldCatalog(state);
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

/** Opens a site's catalog with its system fields; a no-op once opened. */
export function openFieldCatalog(state: FieldCatalog): FieldEvent[] {
  return state.opened ? [] : [{ type: FIELD_EVENT_TYPES.opened, data: { system: SYSTEM_FIELDS.map((f) => ({ ...f })) } }];
}

export interface FindOrCreateFieldResult {
  events: FieldEvent[];
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

export function renameField(state: FieldCatalog, key: string, displayName: unknown): FieldEvent[] {
  const field = editableField(state, key, 'renamed');
  const name = validDisplayName(displayName, FIELD_LIMITS.displayNameLength, 'field.displayName');
  if (name === field.displayName) return [];
  const clash = findByDisplayName(state, name);
  if (clash) throw AppError.conflict('EXTENDED_FIELD_ALREADY_EXISTS', `Another extended field is already named ${name}`, { key: clash.key });
  return [{ type: FIELD_EVENT_TYPES.renamed, data: { key, displayName: name } }];
}

export function deleteField(state: FieldCatalog, key: string): FieldEvent[] {
  editableField(state, key, 'deleted');
  return [{ type: FIELD_EVENT_TYPES.deleted, data: { key } }];
}

export function requireField(state: FieldCatalog, key: string): ExtendedField {
  const field = state.entries.get(key);
  if (!field) throw AppError.notFound('EXTENDED_FIELD_NOT_FOUND', `No extended field with key ${key}`, { key });
  return field;
}

/** What Find Or Create answers, from the catalog after its decision: the field, and whether the decision created it. */
export function foundOrCreatedField(after: FieldCatalog, events: readonly FieldEvent[], displayName: unknown): { field: ExtendedField; newField: boolean } {
  const created = events.find((event): event is Extract<FieldEvent, { type: typeof FIELD_EVENT_TYPES.created }> => event.type === FIELD_EVENT_TYPES.created);
  if (created) return { field: requireField(after, created.data.key), newField: true };
  return { field: requireField(after, findByDisplayName(after, validDisplayName(displayName, FIELD_LIMITS.displayNameLength))!.key), newField: false };
}

function editableField(state: FieldCatalog, key: string, verb: string): ExtendedField {
  const field = requireField(state, key);
  if (field.fieldType !== 'USER_DEFINED') {
    throw AppError.precondition('EXTENDED_FIELD_NOT_EDITABLE', `System extended fields cannot be ${verb}`, { key });
  }
  return field;
}

function unknownCommand(command: never): never {
  throw new Error(`Unknown extended field command ${JSON.stringify(command)}`);
}
