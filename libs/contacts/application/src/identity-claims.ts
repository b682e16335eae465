import {
  ClaimState,
  decideIdentityClaim,
  ContactInfo,
  Identity,
  identitiesOf,
  identitiesToCheck,
  sameIdentity,
} from '@cp/contacts-domain';
import { RequestContext } from '@cp/contracts';
import { AppendResult, EventStore, StreamAppend } from '@cp/event-store';
import { ClaimStates } from './claim-states';
import { Clock } from './clock';
import { ContactRepository } from './contact-repository';
import { metadataFor, toNewEvents } from './event-metadata';
import { IdentityStreams } from './personal-data';
import { isIdentityStream } from './streams';

/** How a change's new identities meet the duplicate rule. */
export interface DuplicateRule {
  allowDuplicates: boolean;
  /**
   * A merge's sources: an identity one of them still holds moves to the target rather than
   * being added, so it is no new duplicate even where another contact shares it already.
   */
  movedFrom?: readonly string[];
}

export const CHECK_DUPLICATES: DuplicateRule = { allowDuplicates: false };

export interface ClaimRequest {
  identity: Identity;
  /** Refuse when another live contact holds it (the duplicate check). */
  exclusive: boolean;
  movedFrom?: readonly string[];
}

/** The identities a change adds to a contact, and which of them the duplicate check covers. */
export function claimsFor(before: ContactInfo | undefined, after: ContactInfo, rule: DuplicateRule): ClaimRequest[] {
  const held = before ? identitiesOf(before) : [];
  const checked = identitiesToCheck(after);
  return identitiesOf(after)
    .filter((identity) => !held.some((h) => sameIdentity(h, identity)))
    .map((identity) => ({
      identity,
      exclusive: !rule.allowDuplicates && checked.some((c) => sameIdentity(c, identity)),
      ...(rule.movedFrom && { movedFrom: rule.movedFrom }),
    }));
}

export function identitiesDropped(before: ContactInfo, after: ContactInfo | undefined): Identity[] {
  const kept = after ? identitiesOf(after) : [];
  return identitiesOf(before).filter((identity) => !kept.some((k) => sameIdentity(k, identity)));
}

/** A claim a write appends with the contact's events, and the identity it is for. */
export interface PlannedClaim {
  identity: Identity;
  append: StreamAppend;
}

/** The claim-stream appends of one contact write: claims go before the contact's events, releases after. */
export interface ClaimPlan {
  claims: PlannedClaim[];
  releases: StreamAppend[];
}

/**
 * Keeps "one contact per email (or phone) per site" true under concurrency. Each identity has a
 * claim stream; a claim is appended with the revision the check was made against, so two
 * concurrent creators cannot both pass the check. Where the store appends to several streams
 * in one transaction, claims, releases and the contact's events land together; elsewhere a
 * claim can outlive a failed write (the process died in between), so a holder counts only while
 * its contact exists and still has the identity — or, not created yet, for a grace period.
 */
export class IdentityClaims {
  private readonly states: ClaimStates;

  constructor(
    private readonly store: EventStore,
    private readonly contacts: ContactRepository,
    private readonly clock: Clock,
    private readonly streams: IdentityStreams,
    private readonly abandonedAfterMs = 30_000,
  ) {
    this.states = new ClaimStates(store);
  }

  /**
   * Decides the claims and releases of a write: refuses (409) an exclusive claim another live
   * contact holds; skips releases of what the contact does not hold.
   *
   * A claim the contact still holds is claimed again rather than skipped: the change adds the
   * identity, so that claim is a stale one (a release lost on a store without multi-stream
   * transactions, or written before claims and contacts shared a transaction), and only a new
   * append with the revision read protects the check from a concurrent claimer. A claim the
   * check does not cover expects no revision: no rule depends on what it read, and creates
   * sharing an identity would otherwise contend on its stream for nothing.
   */
  async plan(context: RequestContext, contactId: string, requests: readonly ClaimRequest[], dropped: readonly Identity[]): Promise<ClaimPlan> {
    const metadata = metadataFor(context, this.clock.now());
    const claims: PlannedClaim[] = [];
    for (const request of requests) {
      const streamId = await this.streams.of(context.siteId, request.identity);
      const { holders, expected } = await this.states.read(streamId);
      const duplicateOf = request.exclusive ? await this.duplicateHolder(context.siteId, contactId, holders, request) : undefined;
      const events = decideIdentityClaim({ type: 'ClaimIdentity', data: { identity: request.identity, contactId, duplicateOf } }, holders);
      claims.push({ identity: request.identity, append: { streamId, events: toNewEvents(events, metadata), expected: request.exclusive ? expected : 'any' } });
    }
    const releases: StreamAppend[] = [];
    for (const identity of dropped) {
      const streamId = await this.streams.of(context.siteId, identity);
      const events = decideIdentityClaim({ type: 'ReleaseIdentity', data: { contactId } }, (await this.states.read(streamId, { fresh: true })).holders);
      // No expected revision: only this contact's own writes, ordered by its stream, release its claim.
      if (events.length > 0) releases.push({ streamId, events: toNewEvents(events, metadata), expected: 'any' });
    }
    return { claims, releases };
  }

  /** What a write appended (claims, the contact, releases): the claim states follow it without reading the streams again. */
  committed(appends: readonly StreamAppend[], results: readonly AppendResult[]): void {
    this.states.committed(appends, results, isIdentityStream);
  }

  /** A claim stream refused an append: it is read again before the next decision on it. */
  moved(streamId: string): void {
    this.states.moved(streamId);
  }

  /** Gives back claims a failed write left behind on a store that appends stream by stream. */
  async release(context: RequestContext, contactId: string, identities: readonly Identity[]): Promise<void> {
    const { releases } = await this.plan(context, contactId, [], identities);
    for (const release of releases) this.committed([release], [await this.store.append(release.streamId, release.events, release.expected)]);
  }

  /**
   * The live contact an exclusive claim would duplicate, if any: the first live holder found,
   * so the check loads one contact however many share the identity. A merge's source holding
   * it lets the target claim it (the identity moves).
   */
  private async duplicateHolder(siteId: string, contactId: string, holders: ClaimState, request: ClaimRequest): Promise<string | undefined> {
    for (const source of request.movedFrom ?? []) {
      const claimedAt = holders.get(source);
      if (claimedAt !== undefined && (await this.isLive(siteId, source, claimedAt, request.identity))) return undefined;
    }
    for (const [holder, claimedAt] of holders) {
      if (holder !== contactId && (await this.isLive(siteId, holder, claimedAt, request.identity))) return holder;
    }
    return undefined;
  }

  /** A holder counts while its contact exists, is not deleted and still carries the identity, or is being created now. */
  private async isLive(siteId: string, contactId: string, claimedAt: string, identity: Identity): Promise<boolean> {
    const { state } = await this.contacts.load(siteId, contactId);
    if (!state) return Date.parse(this.clock.now()) - Date.parse(claimedAt) < this.abandonedAfterMs;
    return !state.deleted && identitiesOf(state.info).some((held) => sameIdentity(held, identity));
  }
}
