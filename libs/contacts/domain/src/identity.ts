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

/** A claim stream folded: who holds the identity (contact id to when it claimed), oldest claim first. */
export type ClaimState = Map<string, string>;

/**
 * Folds one claim event into the state, in place: a cache folds each new event of a claim
 * stream once, however many contacts hold the identity.
 */
export function evolveClaims(state: ClaimState, event: IdentityClaimEventRecord): ClaimState {
  if (event.type === 'IdentityReleased') state.delete(event.data.contactId);
  else if (!state.has(event.data.contactId)) state.set(event.data.contactId, event.occurredAt);
  return state;
}

/** Who holds an identity now, oldest claim first. */
export function claimHolders(events: readonly IdentityClaimEventRecord[]): ClaimHolder[] {
  const state = events.reduce(evolveClaims, new Map<string, string>());
  return [...state].map(([contactId, claimedAt]) => ({ contactId, claimedAt }));
}

/**
 * Decides a claim: refused (409) when `duplicateOf`, a live contact holding the identity, is
 * given — the caller gives none where duplicates are allowed.
 */
export function claimIdentity(identity: Identity, contactId: string, duplicateOf?: string): IdentityClaimEvent[] {
  if (duplicateOf !== undefined) throw duplicateContactError(identity, duplicateOf);
  return [{ type: 'IdentityClaimed', data: { contactId, kind: identity.kind, value: identity.value } }];
}

export function releaseIdentity(state: ClaimState, contactId: string): IdentityClaimEvent[] {
  return state.has(contactId) ? [{ type: 'IdentityReleased', data: { contactId } }] : [];
}

/** What an identity-claim stream is asked to do. `duplicateOf`: the live holder the caller found, which refuses an exclusive claim. */
export type IdentityClaimCommand =
  | { type: 'ClaimIdentity'; data: { identity: Identity; contactId: string; duplicateOf?: string } }
  | { type: 'ReleaseIdentity'; data: { contactId: string } };

/** The identity claim's decider: a typed command, an exhaustive switch, `evolveClaims`. */
export function decideIdentityClaim(command: IdentityClaimCommand, state: ClaimState): IdentityClaimEvent[] {
  switch (command.type) {
    case 'ClaimIdentity':
      return claimIdentity(command.data.identity, command.data.contactId, command.data.duplicateOf);
    case 'ReleaseIdentity':
      return releaseIdentity(state, command.data.contactId);
    default:
      return unknownClaimCommand(command);
  }
}

export const identityClaimDecider = { decide: decideIdentityClaim, evolve: evolveClaims, initialState: (): ClaimState => new Map() };

function unknownClaimCommand(command: never): never {
  throw new Error(`Unknown identity claim command ${JSON.stringify(command)}`);
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
