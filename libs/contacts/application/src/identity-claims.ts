import {
  claimHolders,
  ClaimHolder,
  claimIdentity,
  ContactInfo,
  Identity,
  IdentityClaimEventRecord,
  identitiesOf,
  identitiesToCheck,
  releaseIdentity,
  sameIdentity,
} from '@cp/contacts-domain';
import { RequestContext } from '@cp/contracts';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { Clock } from './clock';
import { ContactRepository } from './contact-repository';
import { metadataFor, toNewEvents } from './event-metadata';
import { decideOnStream, recordOf } from './stream-decisions';
import { identityStream } from './streams';

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

/**
 * Keeps "one contact per email (or phone) per site" true under concurrency. Each identity has a
 * claim stream; a claim is appended with the revision the check was made against, so two
 * concurrent creators cannot both pass the check. A claim whose contact never got created
 * (the process died in between) stops counting after a grace period.
 */
export class IdentityClaims {
  constructor(
    private readonly store: EventStore,
    private readonly contacts: ContactRepository,
    private readonly clock: Clock,
    private readonly abandonedAfterMs = 30_000,
  ) {}

  /** Claims all or nothing: on a refusal, the claims already made are released. */
  async claim(context: RequestContext, contactId: string, requests: readonly ClaimRequest[]): Promise<Identity[]> {
    const claimed: Identity[] = [];
    try {
      for (const request of requests) {
        await this.claimOne(context, contactId, request);
        claimed.push(request.identity);
      }
    } catch (error) {
      await this.release(context, contactId, claimed);
      throw error;
    }
    return claimed;
  }

  async release(context: RequestContext, contactId: string, identities: readonly Identity[]): Promise<void> {
    for (const identity of identities) {
      const stream = identityStream(context.siteId, identity);
      const { holders } = await this.readClaims(stream);
      const events = releaseIdentity(holders, contactId);
      if (events.length > 0) await this.store.append(stream, toNewEvents(events, metadataFor(context, this.clock.now())), 'any');
    }
  }

  private async claimOne(context: RequestContext, contactId: string, request: ClaimRequest): Promise<void> {
    const { kind, value } = request.identity;
    const decide = async (events: RecordedEvent[]) => {
      const holders = claimHolders(events.map((e) => recordOf<IdentityClaimEventRecord>(e)));
      if (holders.some((holder) => holder.contactId === contactId)) return [];
      const others = await this.liveHolders(context.siteId, holders, request.identity);
      const moved = request.movedFrom?.some((source) => others.includes(source)) ?? false;
      return claimIdentity(request.identity, contactId, others, !request.exclusive || moved);
    };
    await decideOnStream(this.store, identityStream(context.siteId, request.identity), decide, () => metadataFor(context, this.clock.now()), `${kind} ${value}`);
  }

  private async readClaims(stream: string): Promise<{ holders: ClaimHolder[] }> {
    const events = await this.store.readStream(stream);
    return { holders: claimHolders(events.map((e) => recordOf<IdentityClaimEventRecord>(e))) };
  }

  /** Holders whose contact exists, is not deleted and still carries the identity (or is being created now). */
  private async liveHolders(siteId: string, holders: readonly ClaimHolder[], identity: Identity): Promise<string[]> {
    const live: string[] = [];
    for (const holder of holders) {
      const { state } = await this.contacts.load(siteId, holder.contactId);
      if (!state) {
        const age = Date.parse(this.clock.now()) - Date.parse(holder.claimedAt);
        if (age < this.abandonedAfterMs) live.push(holder.contactId);
      } else if (!state.deleted && identitiesOf(state.info).some((held) => sameIdentity(held, identity))) {
        live.push(holder.contactId);
      }
    }
    return live;
  }
}
