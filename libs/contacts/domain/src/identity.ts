import { AppError } from '@cp/errors';
import { ContactInfo } from './contact-info';

/**
 * Duplicate detection works on identities: an email (compared case-insensitively) or a phone
 * (compared on its E.164 form where it has one, else on its digits). Each identity of a site
 * has a claim stream; appending to it with an expected revision is what makes the
 * "one contact per email" rule hold under concurrent requests.
 */
export interface Identity {
  kind: 'email' | 'phone';
  value: string;
}

export function emailIdentities(info: ContactInfo): Identity[] {
  return (info.emails?.items ?? []).map((item) => ({ kind: 'email', value: item.email.toLowerCase() }));
}

/** A contact's addresses as subscriptions and the duplicate check compare them: lowercased. */
export function emailAddresses(info: ContactInfo): string[] {
  return emailIdentities(info).map((identity) => identity.value);
}

export function phoneIdentities(info: ContactInfo): Identity[] {
  const values = (info.phones?.items ?? []).map((item) => item.e164Phone ?? item.phone.replace(/\D/g, ''));
  return [...new Set(values)].map((value) => ({ kind: 'phone', value }));
}

export function identitiesOf(info: ContactInfo): Identity[] {
  return [...emailIdentities(info), ...phoneIdentities(info)];
}

/** The identities a duplicate check compares: the emails, or the phones when there is no email (API.md §9). */
export function identitiesToCheck(info: ContactInfo): Identity[] {
  const emails = emailIdentities(info);
  return emails.length > 0 ? emails : phoneIdentities(info);
}

export function identityKey(identity: Identity): string {
  return `${identity.kind}:${identity.value}`;
}

export function sameIdentity(a: Identity, b: Identity): boolean {
  return a.kind === b.kind && a.value === b.value;
}

// ---------------------------------------------------------------- the claim aggregate

export type IdentityClaimEvent =
  | { type: 'IdentityClaimed'; data: { contactId: string; kind: Identity['kind']; value: string } }
  | { type: 'IdentityReleased'; data: { contactId: string } };

export interface ClaimHolder {
  contactId: string;
  claimedAt: string;
}

export type IdentityClaimEventRecord = IdentityClaimEvent & { occurredAt: string };

/** Who holds an identity now, oldest claim first. */
export function claimHolders(events: readonly IdentityClaimEventRecord[]): ClaimHolder[] {
  const holders = new Map<string, ClaimHolder>();
  for (const event of events) {
    if (event.type === 'IdentityClaimed') {
      if (!holders.has(event.data.contactId)) holders.set(event.data.contactId, { contactId: event.data.contactId, claimedAt: event.occurredAt });
    } else holders.delete(event.data.contactId);
  }
  return [...holders.values()];
}

/**
 * Decides a claim. `otherLiveHolders` are the current holders that still use the identity
 * (the caller filters out abandoned claims). With duplicates allowed the claim is only recorded.
 */
export function claimIdentity(
  identity: Identity,
  contactId: string,
  otherLiveHolders: readonly string[],
  allowDuplicates: boolean,
): IdentityClaimEvent[] {
  if (!allowDuplicates && otherLiveHolders.length > 0) throw duplicateContactError(identity, otherLiveHolders[0]);
  return [{ type: 'IdentityClaimed', data: { contactId, kind: identity.kind, value: identity.value } }];
}

export function releaseIdentity(holders: readonly ClaimHolder[], contactId: string): IdentityClaimEvent[] {
  return holders.some((holder) => holder.contactId === contactId) ? [{ type: 'IdentityReleased', data: { contactId } }] : [];
}

export function duplicateContactError(identity: Identity, duplicateContactId: string): AppError {
  const data =
    identity.kind === 'email'
      ? { duplicateContactId, duplicateEmail: identity.value }
      : { duplicateContactId, duplicatePhone: identity.value };
  return AppError.conflict(
    'DUPLICATE_CONTACT_EXISTS',
    `Contact ${duplicateContactId} already has the ${identity.kind} ${identity.value}`,
    data,
  );
}
