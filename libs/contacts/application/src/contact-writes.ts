import { ContactEvent, Identity } from '@cp/contacts-domain';
import { RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { AppendResult, EventStore, Idempotency, isWrongExpectedRevision, PartialAppendError, StreamAppend } from '@cp/event-store';
import { ContactRepository, LoadedContact } from './contact-repository';
import { metadataFor, toNewEvents } from './event-metadata';
import { ClaimRequest, IdentityClaims } from './identity-claims';
import { erasedIsNotFound } from './personal-data';
import { contactStream } from './streams';

/** How often a write decides its claims again after a concurrent write moved one of their streams. */
const MAX_ATTEMPTS = 10;

/** The identities a contact write takes and drops. */
export interface IdentityChanges {
  claims: readonly ClaimRequest[];
  dropped: readonly Identity[];
}

/**
 * Appends a contact's events together with its identity claims and releases: claims first, then
 * the contact, then releases, in one transaction where the store can. Elsewhere (EventStoreDB)
 * the appends land in turn, and a write that fails before its contact events gives back the
 * claims that landed; a release that fails after them stays undone, which only leaves a claim
 * whose contact no longer has the identity (not counted as a holder).
 */
export class ContactWrites {
  constructor(
    private readonly store: EventStore,
    private readonly contacts: ContactRepository,
    private readonly claims: IdentityClaims,
  ) {}

  async write(
    context: RequestContext,
    contactId: string,
    loaded: LoadedContact,
    events: readonly ContactEvent[],
    occurredAt: string,
    identities: IdentityChanges,
    idempotency?: Idempotency,
  ): Promise<AppendResult> {
    const contact: StreamAppend = {
      streamId: contactStream(context.siteId, contactId),
      events: toNewEvents(events, metadataFor(context, occurredAt, idempotency)),
      expected: loaded.streamRevision,
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const plan = await this.claims.plan(context, contactId, identities.claims, identities.dropped);
      const at = plan.claims.length;
      const appends = [...plan.claims.map((claim) => claim.append), contact, ...plan.releases];
      try {
        const results = await erasedIsNotFound(() => this.store.appendToStreams(appends));
        this.claims.committed(appends, results);
        return results[at];
      } catch (error) {
        const landed = error instanceof PartialAppendError ? error.appended : [];
        this.claims.committed(appends, landed);
        if (landed.length > at) return landed[at];
        await this.claims.release(context, contactId, plan.claims.slice(0, landed.length).map((claim) => claim.identity));
        const cause = error instanceof PartialAppendError ? error.cause : error;
        if (!isWrongExpectedRevision(cause)) throw cause;
        this.claims.moved(cause.streamId);
        if (cause.streamId === contact.streamId) throw await this.contacts.conflict(context.siteId, contactId, loaded);
        // A claim stream moved under the check: decide the claims again on what it holds now.
      }
    }
    throw new AppError('UNAVAILABLE', 'CONTENDED', `Too many concurrent changes to the emails or phones of contact ${contactId}; retry`);
  }
}
