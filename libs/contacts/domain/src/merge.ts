import { AppError } from '@cp/errors';
import { ContactAddress, ContactEmail, ContactInfo, ContactPhone } from './contact-info';
import { ContactEvent } from './contact-events';
import { assertRevision, ContactState, existing, isMember } from './contact';
import { MAX_ADDRESSES, MAX_EMAILS, MAX_PHONES } from './limits';

export const MAX_MERGE_SOURCES = 5;

/**
 * Merging (API.md §3.7): the target keeps all its data; what it lacks is taken from the sources
 * in the order given (the first has precedence); emails, phones, addresses, labels and locations
 * of the sources are appended in that order without duplicates (at most 50 of each); the
 * sources are deleted. Site members can be targets but not sources.
 */
export function mergedInfo(target: ContactInfo, sources: readonly ContactInfo[]): ContactInfo {
  const all = [target, ...sources];
  const first = <K extends keyof ContactInfo>(key: K, present: (value: ContactInfo[K]) => boolean = (v) => v !== undefined) =>
    all.map((info) => info[key]).find((value) => value !== undefined && present(value));
  const emails = unique(all.flatMap((info) => info.emails?.items ?? []), (e: ContactEmail) => e.email.toLowerCase(), MAX_EMAILS);
  const phones = unique(all.flatMap((info) => info.phones?.items ?? []), (p: ContactPhone) => p.e164Phone ?? p.phone.replace(/\D/g, ''), MAX_PHONES);
  const addresses = unique(all.flatMap((info) => info.addresses?.items ?? []), (a: ContactAddress) => JSON.stringify(a.address), MAX_ADDRESSES);
  const labelKeys = unique(all.flatMap((info) => info.labelKeys?.items ?? []), (k) => k, Infinity);
  const locations = unique(all.flatMap((info) => info.locations?.items ?? []), (k) => k, Infinity);
  const extended = Object.assign({}, ...[...all].reverse().map((info) => info.extendedFields?.items ?? {}));
  const merged: ContactInfo = {
    name: first('name', (name) => Boolean(name?.first || name?.last)),
    company: first('company'),
    jobTitle: first('jobTitle'),
    birthdate: first('birthdate'),
    locale: first('locale'),
    picture: first('picture'),
    emails: emails.length ? { items: keepOnePrimary(emails) } : undefined,
    phones: phones.length ? { items: keepOnePrimary(phones) } : undefined,
    addresses: addresses.length ? { items: addresses } : undefined,
    labelKeys: labelKeys.length ? { items: labelKeys } : undefined,
    locations: locations.length ? { items: locations } : undefined,
    extendedFields: Object.keys(extended).length ? { items: extended } : undefined,
  };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as ContactInfo;
}

function unique<T>(items: T[], keyOf: (item: T) => string, max: number): T[] {
  const seen = new Set<string>();
  const result: T[] = [];
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key) || result.length >= max) continue;
    seen.add(key);
    result.push(item);
  }
  return result;
}

/** The target's primary stays primary; appended items never are. */
function keepOnePrimary<T extends { primary?: boolean }>(items: T[]): T[] {
  const primary = Math.max(0, items.findIndex((item) => item.primary));
  return items.map((item, index) => ({ ...item, primary: index === primary }));
}

export interface MergeCommand {
  sourceContactIds: readonly string[];
  /** Required for a merge, absent for a preview. */
  targetRevision?: number;
  /** Names this merge in its reservations (see merge-reservation.ts); absent for a preview. */
  mergeId?: string;
}

/** Checks a merge and decides the target's event; `sources` are in the order of `sourceContactIds`. */
export function mergeContacts(target: ContactState | undefined, sources: readonly (ContactState | undefined)[], command: MergeCommand): ContactEvent[] {
  const current = existing(target);
  const ids = command.sourceContactIds;
  if (ids.length === 0 || ids.length > MAX_MERGE_SOURCES) {
    throw AppError.invalidField('sourceContactIds', `give 1 to ${MAX_MERGE_SOURCES} source contacts`, 'OUT_OF_RANGE');
  }
  if (new Set(ids).size !== ids.length) throw AppError.invalidField('sourceContactIds', 'lists a contact twice', 'DUPLICATE');
  if (ids.includes(current.id)) throw AppError.invalidField('sourceContactIds', 'the target cannot be one of its sources', 'INVALID_ARGUMENT');
  if (command.targetRevision !== undefined) assertRevision(current, command.targetRevision);
  const missing = ids.filter((_, i) => !sources[i] || sources[i]!.deleted);
  if (missing.length > 0) throw AppError.notFound('CONTACT_NOT_FOUND', `Source contacts not found: ${missing.join(', ')}`, { missingContactIds: missing });
  const members = sources.filter((source) => isMember(source!)).map((source) => source!.id);
  if (members.length > 0) {
    throw AppError.precondition('SOURCE_IS_MEMBER', 'A site member can be the target of a merge but not a source', { memberContactIds: members });
  }
  const info = mergedInfo(current.info, sources.map((s) => s!.info));
  return [{ type: 'ContactsMerged', data: { sourceContactIds: [...ids], info, ...(command.mergeId && { mergeId: command.mergeId }) } }];
}

/**
 * Marks a source as merged into the target. The target's `ContactsMerged` is the commit point
 * of a merge; after it, whatever happened to a source since the merge read it (a change, even
 * a delete) the source is part of the target now, so it is marked all the same. Marking it
 * again changes nothing: the step can be redone after a crash or a redelivery.
 */
export function markMergedInto(source: ContactState | undefined, targetId: string): ContactEvent[] {
  if (!source) throw AppError.notFound('CONTACT_NOT_FOUND', 'Source contact not found');
  if (source.mergedInto === targetId) return [];
  if (source.mergedInto) {
    throw AppError.conflict('CONTACT_ALREADY_MERGED', `Contact ${source.id} was merged into ${source.mergedInto}`, { contactId: source.id, mergedInto: source.mergedInto });
  }
  return [{ type: 'ContactDeleted', data: { contactId: source.id, mergedInto: targetId } }];
}
