import { allocateKey, Catalog, catalogEvolver, CatalogEventRecord, countEntries, Dated, emptyCatalog, findByDisplayName, foundOrCreatedKey, validDisplayName } from '@cp/catalog-domain';
import { AppError } from '@cp/errors';

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

/** The label catalog's stored event types, named here only (the evolver, the service's relays and the contacts' consumers read them from here). */
export const LABEL_EVENT_TYPES = { opened: 'LabelCatalogOpened', created: 'LabelCreated', renamed: 'LabelRenamed', deleted: 'LabelDeleted' } as const;

export type LabelCatalogEvent =
  | { type: typeof LABEL_EVENT_TYPES.opened; data: { system: LabelDefinition[] } }
  | { type: typeof LABEL_EVENT_TYPES.created; data: LabelDefinition }
  | { type: typeof LABEL_EVENT_TYPES.renamed; data: { key: string; displayName: string } }
  | { type: typeof LABEL_EVENT_TYPES.deleted; data: { key: string } };

export type LabelCatalogEventRecord = LabelCatalogEvent & { occurredAt: string };

export const LABEL_LIMITS = { keyLength: 80, displayNameLength: 180, namespaceLength: 25 };
export const CUSTOM_NAMESPACE = 'custom';

/** The system labels every site starts with. */
export const SYSTEM_LABELS: readonly LabelDefinition[] = [
  { key: 'contacts.contacted-me', namespace: 'contacts', namespaceDisplayName: 'Contacts', displayName: 'Contacted Me', labelType: 'SYSTEM' },
  { key: 'contacts.customers', namespace: 'contacts', namespaceDisplayName: 'Contacts', displayName: 'Customers', labelType: 'SYSTEM' },
];

const catalog = catalogEvolver<LabelDefinition>(LABEL_EVENT_TYPES);

export const evolveLabelCatalog = (state: LabelCatalog, event: LabelCatalogEventRecord) =>
  catalog.evolve(state, event as CatalogEventRecord<LabelDefinition>);
export const foldLabelCatalog = (events: readonly LabelCatalogEventRecord[]) =>
  catalog.fold(events as readonly CatalogEventRecord<LabelDefinition>[]);

/** Opens a site's catalog with its system labels; a no-op once opened. */
export function openLabelCatalog(state: LabelCatalog): LabelCatalogEvent[] {
  return state.opened ? [] : [{ type: LABEL_EVENT_TYPES.opened, data: { system: SYSTEM_LABELS.map((l) => ({ ...l })) } }];
}

export interface FindOrCreateLabelResult {
  events: LabelCatalogEvent[];
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

export function renameLabel(state: LabelCatalog, key: string, displayName: unknown): LabelCatalogEvent[] {
  const label = editableLabel(state, key, 'renamed');
  const name = validDisplayName(displayName, LABEL_LIMITS.displayNameLength, 'label.displayName');
  if (name === label.displayName) return [];
  const clash = findByDisplayName(state, name);
  if (clash) throw AppError.conflict('LABEL_ALREADY_EXISTS', `Another label is already named ${name}`, { key: clash.key });
  return [{ type: LABEL_EVENT_TYPES.renamed, data: { key, displayName: name } }];
}

export function deleteLabel(state: LabelCatalog, key: string): LabelCatalogEvent[] {
  editableLabel(state, key, 'deleted');
  return [{ type: LABEL_EVENT_TYPES.deleted, data: { key } }];
}

export function requireLabel(state: LabelCatalog, key: string): Label {
  const label = state.entries.get(key);
  if (!label) throw AppError.notFound('LABEL_NOT_FOUND', `No label with key ${key}`, { key });
  return label;
}

function editableLabel(state: LabelCatalog, key: string, verb: string): Label {
  const label = requireLabel(state, key);
  if (label.labelType !== 'USER_DEFINED') {
    throw AppError.precondition('LABEL_NOT_EDITABLE', `${label.labelType} labels cannot be ${verb}`, { key });
  }
  return label;
}

/** What a site's label catalog is asked to do (Find Or Create, Rename, Delete Label). */
export type LabelCommand =
  | { type: 'FindOrCreateLabel'; data: { displayName: unknown; quota: number } }
  | { type: 'RenameLabel'; data: { key: string; displayName: unknown } }
  | { type: 'DeleteLabel'; data: { key: string } };

export const initialLabelCatalog = (): LabelCatalog => emptyCatalog<LabelDefinition>();

/** The label catalog's decider: a typed command, an exhaustive switch, `evolveLabelCatalog`. */
export function decideLabels(command: LabelCommand, state: LabelCatalog): LabelCatalogEvent[] {
  switch (command.type) {
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

/** What Find Or Create answers, from the catalog after its decision: the label, and whether the decision created it. */
export function foundOrCreatedLabel(after: LabelCatalog, events: readonly LabelCatalogEvent[], displayName: unknown): { label: Label; newLabel: boolean } {
  const { key, created } = foundOrCreatedKey(after, events, LABEL_EVENT_TYPES.created, validDisplayName(displayName, LABEL_LIMITS.displayNameLength));
  return { label: requireLabel(after, key), newLabel: created };
}

function unknownCommand(command: never): never {
  throw new Error(`Unknown label command ${JSON.stringify(command)}`);
}
