import { AppError } from '@cp/errors';
import { ContactInfo, ContactInfoKey, ExtendedFieldValue } from './contact-info';
import { ContactEvent, ContactEventRecord, ContactSource } from './contact-events';
import { IdGenerator, normalizeInfoPatch } from './normalize-info';

/** The Contact aggregate's state, folded from its events. `revision` counts the events. */
export interface ContactState {
  id: string;
  revision: number;
  deleted: boolean;
  createdDate: string;
  updatedDate: string;
  source: ContactSource;
  info: ContactInfo;
  /** Set by a merge; otherwise the creation is the last activity. */
  lastActivity?: { activityDate: string; activityType: string };
  /** For a contact deleted by a merge: the contact it was merged into. */
  mergedInto?: string;
  /** Its personal data was erased: it is deleted, and nothing is known of it but its id. */
  erased?: boolean;
}

export const DEFAULT_SOURCE: ContactSource = { sourceType: 'OTHER', appId: 'v4.createContact' };

// ---------------------------------------------------------------- evolve

export function evolve(state: ContactState | undefined, event: ContactEventRecord): ContactState {
  if (event.type === 'ContactCreated') {
    return {
      id: event.data.contactId,
      revision: 1,
      deleted: false,
      createdDate: event.occurredAt,
      updatedDate: event.occurredAt,
      source: event.data.source,
      info: event.data.info,
    };
  }
  // What came before an erasure reads as redacted and is not folded: the erasure stands alone.
  if (event.type === 'ContactErased') return erasedState(state, event.data.contactId, event.occurredAt);
  if (!state) throw new Error(`${event.type} before ContactCreated`);
  const next = { ...state, revision: state.revision + 1, updatedDate: event.occurredAt };
  switch (event.type) {
    case 'ContactUpdated':
      return { ...next, info: applyInfoPatch(state.info, event.data.info) };
    case 'ContactDeleted':
      return { ...next, deleted: true, ...(event.data.mergedInto && { mergedInto: event.data.mergedInto }) };
    case 'ContactsMerged':
      return { ...next, info: event.data.info, lastActivity: { activityDate: event.occurredAt, activityType: 'CONTACT_MERGED' } };
    case 'ContactExtendedFieldsSet':
      return { ...next, info: withExtendedFields(state.info, { ...extendedFieldsOf(state.info), ...event.data.values }) };
    case 'ContactLabeled':
      return { ...next, info: withLabels(state.info, [...labelsOf(state.info), ...event.data.labelKeys]) };
    case 'ContactUnlabeled':
      return { ...next, info: withLabels(state.info, labelsOf(state.info).filter((key) => !event.data.labelKeys.includes(key))) };
    case 'ContactExtendedFieldsRemoved': {
      const remaining = { ...extendedFieldsOf(state.info) };
      for (const key of event.data.keys) delete remaining[key];
      return { ...next, info: withExtendedFields(state.info, remaining) };
    }
  }
}

function erasedState(state: ContactState | undefined, contactId: string, occurredAt: string): ContactState {
  return {
    id: contactId,
    revision: (state?.revision ?? 0) + 1,
    deleted: true,
    erased: true,
    createdDate: state?.createdDate ?? occurredAt,
    updatedDate: occurredAt,
    source: DEFAULT_SOURCE,
    info: {},
  };
}

export function fold(events: readonly ContactEventRecord[]): ContactState | undefined {
  return events.reduce<ContactState | undefined>(evolve, undefined);
}

function applyInfoPatch(info: ContactInfo, patch: Partial<Record<ContactInfoKey, unknown>>): ContactInfo {
  const next: Record<string, unknown> = { ...info };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as ContactInfo;
}

function sameValue(current: unknown, next: unknown): boolean {
  return JSON.stringify(withoutItemIds(current)) === JSON.stringify(withoutItemIds(next));
}

function withoutItemIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutItemIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'id').map(([key, v]) => [key, withoutItemIds(v)]));
}

function labelsOf(info: ContactInfo): string[] {
  return info.labelKeys?.items ?? [];
}

function withLabels(info: ContactInfo, keys: string[]): ContactInfo {
  const { labelKeys: _dropped, ...rest } = info;
  return keys.length > 0 ? { ...rest, labelKeys: { items: [...new Set(keys)] } } : rest;
}

function extendedFieldsOf(info: ContactInfo): Record<string, ExtendedFieldValue> {
  return info.extendedFields?.items ?? {};
}

function withExtendedFields(info: ContactInfo, values: Record<string, ExtendedFieldValue>): ContactInfo {
  const { extendedFields: _dropped, ...rest } = info;
  return Object.keys(values).length > 0 ? { ...rest, extendedFields: { items: values } } : rest;
}

// ---------------------------------------------------------------- decide

export interface CreateContact {
  contactId: string;
  info: Record<string, unknown>;
  source?: ContactSource;
}

export function createContact(state: ContactState | undefined, command: CreateContact, newId: IdGenerator): ContactEvent[] {
  if (state) throw AppError.conflict('CONTACT_ID_ALREADY_EXISTS', `Contact ${command.contactId} already exists`);
  const patch = normalizeInfoPatch(command.info ?? {}, undefined, newId);
  const info = applyInfoPatch({}, patch);
  assertIdentifiable(info);
  return [{ type: 'ContactCreated', data: { contactId: command.contactId, info, source: command.source ?? DEFAULT_SOURCE } }];
}

export interface UpdateContact {
  revision: number;
  info: Record<string, unknown>;
}

export function updateContact(state: ContactState | undefined, command: UpdateContact, newId: IdGenerator): ContactEvent[] {
  const current = existing(state);
  assertRevision(current, command.revision);
  const patch = normalizeInfoPatch(command.info ?? {}, current.info, newId);
  assertIdentifiable(applyInfoPatch(current.info, patch));
  const stored: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    // A key set to what it already holds is no change (item ids aside): repeating an update is harmless.
    if (!sameValue(current.info[key as keyof ContactInfo], value)) stored[key] = value ?? null;
  }
  return Object.keys(stored).length > 0 ? [{ type: 'ContactUpdated', data: { info: stored } }] : [];
}

/** Site members cannot be deleted (API.md §3.4): the member has to go first. */
/**
 * Erases a contact, deleted or not (a deleted contact's data is still in its history): nothing
 * to do when it was erased already, so that a retried erasure only finishes destroying its key.
 */
export function eraseContact(state: ContactState | undefined): ContactEvent[] {
  if (!state) throw AppError.notFound('CONTACT_NOT_FOUND', 'Contact not found');
  if (state.erased) return [];
  if (!state.deleted && isMember(state)) {
    throw AppError.precondition('CONTACT_IS_MEMBER', 'The contact is a site member; remove the membership before erasing it', { contactId: state.id });
  }
  return [{ type: 'ContactErased', data: { contactId: state.id } }];
}

export function deleteContact(state: ContactState | undefined): ContactEvent[] {
  const current = existing(state);
  if (isMember(current)) {
    throw AppError.precondition('CONTACT_IS_MEMBER', 'The contact is a site member; remove the membership before deleting it', { contactId: current.id });
  }
  return [{ type: 'ContactDeleted', data: { contactId: current.id } }];
}

/** The system field that marks a contact as a site member (written only through the members path). */
export const MEMBERSHIP_FIELD = 'members.membershipStatus';
export const MEMBERSHIP_STATUSES = ['APPROVED', 'PENDING', 'DENIED', 'INACTIVE'] as const;

export function isMember(state: ContactState): boolean {
  const status = state.info.extendedFields?.items[MEMBERSHIP_FIELD];
  return typeof status === 'string' && status !== '';
}

/** Sets extended-field values (already validated against their definitions by the caller). */
export function setExtendedFieldValues(
  state: ContactState | undefined,
  values: Record<string, ExtendedFieldValue>,
): ContactEvent[] {
  existing(state);
  const kept = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null && value !== ''));
  return Object.keys(kept).length > 0 ? [{ type: 'ContactExtendedFieldsSet', data: { values: kept } }] : [];
}

/** Removes extended-field values; keys the contact does not hold produce no event. */
export function removeExtendedFieldValues(state: ContactState | undefined, keys: readonly string[]): ContactEvent[] {
  const current = existing(state);
  const held = keys.filter((key) => key in extendedFieldsOf(current.info));
  return held.length > 0 ? [{ type: 'ContactExtendedFieldsRemoved', data: { keys: held } }] : [];
}

/** Adds labels (which the caller has checked exist); keys the contact already has produce no event. */
export function labelContact(state: ContactState | undefined, labelKeys: readonly string[]): ContactEvent[] {
  const current = existing(state);
  const added = [...new Set(labelKeys)].filter((key) => !labelsOf(current.info).includes(key));
  return added.length > 0 ? [{ type: 'ContactLabeled', data: { labelKeys: added } }] : [];
}

/** Removes labels; keys the contact does not have produce no event. */
export function unlabelContact(state: ContactState | undefined, labelKeys: readonly string[]): ContactEvent[] {
  const current = existing(state);
  const removed = [...new Set(labelKeys)].filter((key) => labelsOf(current.info).includes(key));
  return removed.length > 0 ? [{ type: 'ContactUnlabeled', data: { labelKeys: removed } }] : [];
}

export function existing(state: ContactState | undefined): ContactState {
  if (!state || state.deleted) throw AppError.notFound('CONTACT_NOT_FOUND', 'Contact not found');
  return state;
}

export function assertRevision(state: ContactState, revision: number): void {
  if (revision !== state.revision) {
    throw AppError.conflict('REVISION_MISMATCH', `Revision ${revision} is stale; the contact is at revision ${state.revision}`, {
      currentRevision: state.revision,
    });
  }
}

/** A contact must hold at least one of a name, an email or a phone. */
function assertIdentifiable(info: ContactInfo): void {
  const named = Boolean(info.name?.first || info.name?.last);
  if (!named && !info.emails?.items.length && !info.phones?.items.length) {
    throw AppError.invalidField('info', 'a contact needs at least one of name, email or phone', 'REQUIRED');
  }
}
