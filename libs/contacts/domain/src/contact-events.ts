import { ContactInfo, ExtendedFieldValue } from './contact-info';

export interface ContactSource {
  sourceType: string;
  appId?: string;
}

/**
 * Facts about one contact, in past tense. `ContactUpdated.info` holds the new value of every
 * top-level `info` key the update replaced; a key present with `null` was cleared.
 */
export type ContactEvent =
  | { type: 'ContactCreated'; data: { contactId: string; info: ContactInfo; source: ContactSource } }
  | { type: 'ContactUpdated'; data: { info: Partial<Record<keyof ContactInfo, unknown>> } }
  | { type: 'ContactDeleted'; data: { contactId: string; mergedInto?: string } }
  | { type: 'ContactsMerged'; data: { sourceContactIds: string[]; info: ContactInfo; mergeId?: string } }
  | { type: 'ContactExtendedFieldsSet'; data: { values: Record<string, ExtendedFieldValue> } }
  | { type: 'ContactExtendedFieldsRemoved'; data: { keys: string[] } }
  | { type: 'ContactLabeled'; data: { labelKeys: string[] } }
  | { type: 'ContactUnlabeled'; data: { labelKeys: string[] } }
  /** The contact's personal data was erased (its data key destroyed): carries none itself, and is the stream's last event. */
  | { type: 'ContactErased'; data: { contactId: string } };

export type ContactEventType = ContactEvent['type'];

/** An event as the aggregate folds it: the fact plus when it happened. */
export type ContactEventRecord = ContactEvent & { occurredAt: string };

export const CONTACT_EVENT_TYPES: readonly ContactEventType[] = [
  'ContactCreated',
  'ContactUpdated',
  'ContactDeleted',
  'ContactsMerged',
  'ContactExtendedFieldsSet',
  'ContactExtendedFieldsRemoved',
  'ContactLabeled',
  'ContactUnlabeled',
  'ContactErased',
];
