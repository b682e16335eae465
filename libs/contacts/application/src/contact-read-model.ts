import { ContactState, ContactView, emailAddresses, EmailStatuses, ExtendedFieldValue, NO_STATUSES, toContactView } from '@cp/contacts-domain';
import { siteDocumentId } from '@cp/contracts';
import { Document, IndexSpec } from '@cp/read-store';
import { ARRAY_OPS, COMPARISON, ENUM_OPS, FieldRule, FieldTable, ProjectionRules, STRING_OPS } from '@cp/query';
import { searchTokensOf } from './contact-search';
import { statusesOf, StoredEmailStatus, storedStatuses } from './email-subscription-read-model';

/**
 * One document per contact (deleted ones stay as tombstones so a replayed event cannot
 * resurrect them). `state` is what the projection folds; `top` holds the derived read-only
 * fields queries filter on; `ext` holds extended-field values nested as `ext.<namespace>.<name>`
 * because MongoDB paths cannot address keys that contain dots.
 */
export interface ContactDocument extends Document {
  siteId: string;
  deleted: boolean;
  revision: number;
  /** Global position of the contact's creation: orders contacts created in the same millisecond. */
  seq: number;
  /** The folded state, with extended-field values as `{ key, value }` entries (keys hold dots). */
  state: StoredContactState;
  top: Pick<ContactView, 'primaryInfo' | 'primaryEmail' | 'primaryPhone' | 'lastActivity'>;
  ext: Record<string, Record<string, unknown>>;
  /** Emails lowercased as the duplicate check compares them: what email filters compare on (through an index). */
  lowercased: { emails?: string[]; primaryEmail?: string };
  /** The words free-text search finds it by (contact-search.ts), under an index. */
  searchTokens: string[];
  /** The email subscriptions of its addresses that are not NOT_SET (the projection keeps them current). */
  subscriptions?: StoredEmailStatus[];
}

/** The version of every document this service's projections write: bump it when one changes (docs/architecture.md, "Versions"). */
export const CONTACTS_READ_MODEL_VERSION = 3;

export const CONTACTS_COLLECTION = 'contacts';

export function contactDocumentId(siteId: string, contactId: string): string {
  return siteDocumentId(siteId, contactId);
}

/**
 * Field names with dots (`custom.tier`) cannot be stored or addressed in MongoDB-wire servers
 * reliably (FerretDB refuses them, and nested arrays), so a stored state keeps extended-field
 * values as `{ key, value }` entries.
 */
export type StoredContactState = Omit<ContactState, 'info'> & {
  info: Omit<ContactState['info'], 'extendedFields'> & { extendedFieldEntries?: { key: string; value: ExtendedFieldValue }[] };
};

export function storedState(state: ContactState): StoredContactState {
  const { extendedFields, ...info } = state.info;
  const entries = Object.entries(extendedFields?.items ?? {}).map(([key, value]) => ({ key, value }));
  return { ...state, info: { ...info, ...(entries.length > 0 && { extendedFieldEntries: entries }) } };
}

export function stateOf(doc: Pick<ContactDocument, 'state'>): ContactState {
  const { extendedFieldEntries, ...info } = doc.state.info;
  return { ...doc.state, info: { ...info, ...(extendedFieldEntries?.length && { extendedFields: { items: Object.fromEntries(extendedFieldEntries.map((e) => [e.key, e.value])) } }) } };
}

/** The contact as the API shows it, with its addresses' subscriptions. */
export function viewOf(doc: Pick<ContactDocument, 'state' | 'subscriptions'>): ContactView {
  return toContactView(stateOf(doc), statusesOf(doc.subscriptions));
}

export function toContactDocument(siteId: string, state: ContactState, seq: number, statuses: EmailStatuses = NO_STATUSES): ContactDocument {
  const view = toContactView(state, statuses);
  const stored = storedStatuses(statuses);
  const emails = emailAddresses(state.info);
  return {
    _id: contactDocumentId(siteId, state.id),
    siteId,
    deleted: state.deleted,
    revision: state.revision,
    seq,
    state: storedState(state),
    top: {
      primaryInfo: view.primaryInfo,
      lastActivity: view.lastActivity,
      ...(view.primaryEmail && { primaryEmail: view.primaryEmail }),
      ...(view.primaryPhone && { primaryPhone: view.primaryPhone }),
    },
    ext: nestExtendedFields(view.info.extendedFields?.items ?? {}),
    lowercased: {
      ...(emails.length > 0 && { emails }),
      ...(view.primaryEmail && { primaryEmail: view.primaryEmail.email.toLowerCase() }),
    },
    searchTokens: searchTokensOf(state.info),
    ...(stored.length > 0 && { subscriptions: stored }),
  };
}

export function extendedFieldPath(key: string): string {
  const dot = key.indexOf('.');
  const namespace = dot < 0 ? '_' : key.slice(0, dot);
  const name = (dot < 0 ? key : key.slice(dot + 1)).replace(/\./g, '_');
  return `ext.${namespace}.${name}`;
}

function nestExtendedFields(items: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const nested: Record<string, Record<string, unknown>> = {};
  for (const key in items) {
    const [namespace, name] = nestedKey(key);
    (nested[namespace] ??= {})[name] = items[key];
  }
  return nested;
}

/** A site has a few dozen field keys, met once per contact: worked out once each. */
const nestedKeys = new Map<string, [string, string]>();

function nestedKey(key: string): [string, string] {
  let found = nestedKeys.get(key);
  if (!found) {
    const [, namespace, name] = extendedFieldPath(key).split('.');
    found = [namespace, name];
    if (nestedKeys.size < 10_000) nestedKeys.set(key, found);
  }
  return found;
}

const field = (path: string, kind: FieldRule['kind'], operators: FieldRule['operators'], sortable = false): FieldRule => ({
  path,
  kind,
  operators,
  sortable,
});

/** An email field: compared case-insensitively, like the duplicate check, on the document's lowercased copy. */
const emailField = (path: string, lowercasedPath: string, sortable = false): FieldRule => ({ ...field(path, 'string', STRING_OPS, sortable), lowercasedPath });

/**
 * API.md §6.2, with both tables' operators for `id` and `primaryInfo.*`. Extended fields
 * (`info.extendedFields.<key>`) are added per query with the operators of their data type.
 */
export const CONTACT_FIELDS: FieldTable = {
  fields: {
    id: field('state.id', 'string', ['$eq', '$ne', '$in', '$nin', '$exists']),
    createdDate: field('state.createdDate', 'date', COMPARISON, true),
    updatedDate: field('state.updatedDate', 'date', COMPARISON),
    'lastActivity.activityDate': field('top.lastActivity.activityDate', 'date', COMPARISON, true),
    // primaryEmail.email is always primaryInfo.email: one path sorts both, through one ordering index.
    'primaryInfo.email': emailField('top.primaryInfo.email', 'lowercased.primaryEmail', true),
    'primaryInfo.phone': field('top.primaryInfo.phone', 'string', STRING_OPS),
    'primaryEmail.email': emailField('top.primaryInfo.email', 'lowercased.primaryEmail', true),
    'primaryEmail.subscriptionStatus': field('top.primaryEmail.subscriptionStatus', 'string', ENUM_OPS),
    'primaryEmail.deliverabilityStatus': field('top.primaryEmail.deliverabilityStatus', 'string', ENUM_OPS),
    'primaryPhone.phone': field('top.primaryPhone.phone', 'string', STRING_OPS),
    'primaryPhone.e164Phone': field('top.primaryPhone.e164Phone', 'string', STRING_OPS),
    'primaryPhone.formattedPhone': field('top.primaryPhone.formattedPhone', 'string', STRING_OPS, true),
    'primaryPhone.countryCode': field('top.primaryPhone.countryCode', 'string', STRING_OPS, true),
    'primaryPhone.subscriptionStatus': field('top.primaryPhone.subscriptionStatus', 'string', ENUM_OPS),
    'info.name.first': field('state.info.name.first', 'string', STRING_OPS, true),
    'info.name.last': field('state.info.name.last', 'string', STRING_OPS, true),
    'info.emails.email': emailField('state.info.emails.items.email', 'lowercased.emails'),
    'info.phones.phone': field('state.info.phones.items.phone', 'string', STRING_OPS),
    'info.phones.e164Phone': field('state.info.phones.items.e164Phone', 'string', STRING_OPS),
    'info.addresses.street': field('state.info.addresses.items.address.addressLine', 'string', STRING_OPS),
    'info.addresses.city': field('state.info.addresses.items.address.city', 'string', STRING_OPS),
    'info.addresses.subdivision': field('state.info.addresses.items.address.subdivision', 'string', ENUM_OPS),
    'info.addresses.country': field('state.info.addresses.items.address.country', 'string', ENUM_OPS),
    'info.company': field('state.info.company', 'string', STRING_OPS, true),
    'info.jobTitle': field('state.info.jobTitle', 'string', STRING_OPS, true),
    'info.birthdate': field('state.info.birthdate', 'string', [...COMPARISON, '$exists'], true),
    'info.locale': field('state.info.locale', 'string', ENUM_OPS),
    'info.labelKeys': field('state.info.labelKeys.items', 'array', ARRAY_OPS),
    'info.locations': field('state.info.locations.items', 'array', ARRAY_OPS),
  }
};

export const CONTACT_PROJECTION: ProjectionRules = {
  fieldsets: {
    BASIC: ['primaryInfo', 'info.name'],
    COMMUNICATION_DETAILS: ['primaryInfo', 'info.name', 'info.emails', 'info.phones', 'info.addresses'],
    EXTENDED: ['primaryInfo', 'info.name', 'info.extendedFields'],
    FULL: 'ALL',
  },
  fields: [
    'source',
    'createdDate',
    'updatedDate',
    'lastActivity',
    'primaryInfo',
    'primaryEmail',
    'primaryPhone',
    'picture',
    'info.name',
    'info.emails',
    'info.phones',
    'info.addresses',
    'info.company',
    'info.jobTitle',
    'info.picture',
    'info.birthdate',
    'info.locale',
    'info.labelKeys',
    'info.locations',
    'info.extendedFields',
  ],
  always: ['id', 'revision'],
  defaultFieldset: 'FULL',
};

/**
 * Indexes for the site-scoped lookups and the sortable fields. Every query pins `siteId` and
 * `deleted: false`; on the embedded store, `site_created`, `site_label_created` and
 * `site_primary_email_order` are the orders queries page in, and the `deleted` key of
 * `site_live_labels` lets it count live contacts from its index bitmaps. Email filters look up
 * the lowercased copies (`$startsWith` as an anchored prefix of them).
 */
export const CONTACT_INDEXES: IndexSpec[] = [
  { keys: { siteId: 1, deleted: 1, 'state.createdDate': -1, seq: -1 }, name: 'site_created', sortOnly: true },
  // `deleted` in the email indexes: every lookup pins it, and a planner that matches a filter's
  // fields to an index's leading keys (CI's MongoDB-wire server) needs it there to use the index.
  { keys: { siteId: 1, deleted: 1, 'lowercased.emails': 1 }, name: 'site_live_emails' },
  { keys: { siteId: 1, deleted: 1, 'state.info.labelKeys.items': 1 }, name: 'site_live_labels' },
  // One label's contacts newest first: the page of a label filter without looking at other contacts.
  { keys: { siteId: 1, deleted: 1, 'state.info.labelKeys.items': 1, 'state.createdDate': -1, seq: -1 }, name: 'site_label_created', sortOnly: true },
  { keys: { siteId: 1, 'state.info.name.first': 1 }, name: 'site_first_name', caseInsensitive: ['state.info.name.first'] },
  { keys: { siteId: 1, 'state.info.name.last': 1 }, name: 'site_last_name', caseInsensitive: ['state.info.name.last'] },
  { keys: { siteId: 1, deleted: 1, 'lowercased.primaryEmail': 1 }, name: 'site_live_primary_email' },
  // Free-text search: each query word is a prefix range of it (contact-search.ts); with `deleted`, a search's count needs no document.
  { keys: { siteId: 1, deleted: 1, searchTokens: 1 }, name: 'site_live_search_tokens' },
  { keys: { siteId: 1, deleted: 1, 'top.primaryInfo.email': 1, seq: 1 }, name: 'site_primary_email_order', sortOnly: true },
];
