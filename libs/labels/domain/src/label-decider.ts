import { allocateKey, countEntries, findByDisplayName, validDisplayName } from '@cp/catalog-domain';
import { AppError } from '@cp/errors';
import { CUSTOM_NAMESPACE, Label, LABEL_EVENT_TYPES, LABEL_LIMITS, LabelCatalog, LabelDefinition, LabelEvent, evolveLabelCatalog, initialLabelCatalog, SYSTEM_LABELS } from './label-catalog';

/** What a site's label catalog is asked to do: open (before any read), Find Or Create, Rename, Delete Label. */
export type LabelCommand =
  | { type: 'OpenLabelCatalog' }
  | { type: 'FindOrCreateLabel'; data: { displayName: unknown; quota: number } }
  | { type: 'RenameLabel'; data: { key: string; displayName: unknown } }
  | { type: 'DeleteLabel'; data: { key: string } };

/**
 * The label catalog's decider. A catalog is opened by its first change (or read), so the
 * system labels come first in every stream; Rename and Delete need a label that exists, which
 * an unopened catalog has none of.
 */
export function decideLabels(command: LabelCommand, state: LabelCatalog): LabelEvent[] {
  switch (command.type) {
    case 'OpenLabelCatalog':
      return openLabelCatalog(state);
    case 'FindOrCreateLabel':
      return findOrCreateLabel(state, command.data.displayName, command.data.quota).events;
    case 'RenameLabel':
      return renameLabel(state, command.data.key, command.data.displayName);
    case 'DeleteLabel':
      return deleteLabel(state, command.data.key);
    default:
      return unknownCommand(command);
  }
}

export const labelDecider = { decide: decideLabels, evolve: evolveLabelCatalog, initialState: initialLabelCatalog };

/** Opens a site's catalog with its system labels; a no-op once opened. */
export function openLabelCatalog(state: LabelCatalog): LabelEvent[] {
  return state.opened ? [] : [{ type: LABEL_EVENT_TYPES.opened, data: { system: SYSTEM_LABELS.map((l) => ({ ...l })) } }];
}

export interface FindOrCreateLabelResult {
  events: LabelEvent[];
  key: string;
  newLabel: boolean;
}

/** Returns the label with exactly this display name, or creates one in the `custom` namespace. */
export function findOrCreateLabel(state: LabelCatalog, displayName: unknown, quota: number): FindOrCreateLabelResult {
  const name = validDisplayName(displayName, LABEL_LIMITS.displayNameLength);
  const existing = findByDisplayName(state, name);
  if (existing) return { events: [], key: existing.key, newLabel: false };
  const customCount = countEntries(state, (label) => label.labelType === 'USER_DEFINED');
  if (customCount >= quota) {
    throw AppError.precondition('LABELS_QUOTA_REACHED', `A site can have at most ${quota} labels`, {
      labelsQuota: quota,
      labelsCurrentTotal: customCount,
    });
  }
  const key = allocateKey(CUSTOM_NAMESPACE, name, (candidate) => state.usedKeys.has(candidate), LABEL_LIMITS.keyLength);
  const definition: LabelDefinition = { key, namespace: CUSTOM_NAMESPACE, namespaceDisplayName: 'Custom', displayName: name, labelType: 'USER_DEFINED' };
  return { events: [...openLabelCatalog(state), { type: LABEL_EVENT_TYPES.created, data: definition }], key, newLabel: true };
}

export function renameLabel(state: LabelCatalog, key: string, displayName: unknown): LabelEvent[] {
  const label = editableLabel(state, key, 'renamed');
  const name = validDisplayName(displayName, LABEL_LIMITS.displayNameLength, 'label.displayName');
  if (name === label.displayName) return [];
  const clash = findByDisplayName(state, name);
  if (clash) throw AppError.conflict('LABEL_ALREADY_EXISTS', `Another label is already named ${name}`, { key: clash.key });
  return [{ type: LABEL_EVENT_TYPES.renamed, data: { key, displayName: name } }];
}

export function deleteLabel(state: LabelCatalog, key: string): LabelEvent[] {
  editableLabel(state, key, 'deleted');
  return [{ type: LABEL_EVENT_TYPES.deleted, data: { key } }];
}

export function requireLabel(state: LabelCatalog, key: string): Label {
  const label = state.entries.get(key);
  if (!label) throw AppError.notFound('LABEL_NOT_FOUND', `No label with key ${key}`, { key });
  return label;
}

/** What Find Or Create answers, from the catalog after its decision: the label, and whether the decision created it. */
export function foundOrCreatedLabel(after: LabelCatalog, events: readonly LabelEvent[], displayName: unknown): { label: Label; newLabel: boolean } {
  const created = events.find((event): event is Extract<LabelEvent, { type: typeof LABEL_EVENT_TYPES.created }> => event.type === LABEL_EVENT_TYPES.created);
  if (created) return { label: requireLabel(after, created.data.key), newLabel: true };
  return { label: requireLabel(after, findByDisplayName(after, validDisplayName(displayName, LABEL_LIMITS.displayNameLength))!.key), newLabel: false };
}

function editableLabel(state: LabelCatalog, key: string, verb: string): Label {
  const label = requireLabel(state, key);
  if (label.labelType !== 'USER_DEFINED') {
    throw AppError.precondition('LABEL_NOT_EDITABLE', `${label.labelType} labels cannot be ${verb}`, { key });
  }
  return label;
}

function unknownCommand(command: never): never {
  throw new Error(`Unknown label command ${JSON.stringify(command)}`);
}
