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
import { AppError } from '@cp/errors';
import { EventStore, isWrongExpectedRevision } from '@cp/event-store';
import { Clock } from './clock';
import { ContactRepository } from './contact-repository';
import { metadataFor, toNewEvents } from './event-metadata';
import { identityStream } from './streams';

export interface ClaimRequest {
  identity: Identity;
  /** Refuse when another live contact holds it (the duplicate check). */
  exclusive: boolean;
}

/** The identities a change adds to a contact, and which of them the duplicate check covers. */
export function claimsFor(before: ContactInfo | undefined, after: ContactInfo, allowDuplicates: boolean): ClaimRequest[] {
  const held = before ? identitiesOf(before) : [];
  const checked = identitiesToCheck(after);
  return identitiesOf(after)
    .filter((identity) => !held.some((h) => sameIdentity(h, identity)))
    .map((identity) => ({ identity, exclusive: !allowDuplicates && checked.some((c) => sameIdentity(c, identity)) }));
}

export function identitiesDropped(before: ContactInfo, after: ContactInfo | undefined): Identity[] {
  const kept = after ? identitiesOf(after) : [];
  return identitiesOf(before).filter((identity) => !kept.some((k) => sameIdentity(k, identity)));
}

const MAX_ATTEMPTS = 10;

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
    const stream = identityStream(context.siteId, request.identity);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { holders, revision } = await this.readClaims(stream);
      if (holders.some((holder) => holder.contactId === contactId)) return;
      const others = await this.liveHolders(context.siteId, holders, request.identity);
      const events = claimIdentity(request.identity, contactId, others, !request.exclusive);
      try {
        await this.store.append(stream, toNewEvents(events, metadataFor(context, this.clock.now())), revision);
        return;
      } catch (error) {
        if (!isWrongExpectedRevision(error)) throw error;
        // Someone claimed or released in between: look again with what they wrote.
      }
    }
    throw new AppError('UNAVAILABLE', 'CONTENDED', `Too many concurrent changes to ${request.identity.kind} ${request.identity.value}; retry`);
  }

  private async readClaims(stream: string): Promise<{ holders: ClaimHolder[]; revision: number | 'no_stream' }> {
    const events = await this.store.readStream(stream);
    const records = events.map((e) => ({ type: e.type, data: e.data, occurredAt: e.occurredAt }) as IdentityClaimEventRecord);
    return { holders: claimHolders(records), revision: events.length === 0 ? 'no_stream' : events[events.length - 1].revision };
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
