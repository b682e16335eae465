import {
  ContactEvent,
  ContactState,
  ContactView,
  createContact,
  deleteContact,
  evolve,
  toContactView,
  updateContact,
} from '@cp/contacts-domain';
import { CreateContactPayload, DeleteContactPayload, RequestContext, UpdateContactPayload } from '@cp/contracts';
import { Clock, IdSource } from './clock';
import { ContactRepository, LoadedContact } from './contact-repository';
import { claimsFor, identitiesDropped, IdentityClaims } from './identity-claims';

/** Read-your-writes: a command returns once its events are visible to queries (bounded wait). */
export interface ProjectionProgress {
  waitFor(position: number): Promise<void>;
}

/** Load, decide, append with the expected revision: the write side of contacts. */
export class ContactCommands {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly claims: IdentityClaims,
    private readonly projection: ProjectionProgress,
    private readonly clock: Clock,
    private readonly newId: IdSource,
  ) {}

  async create(context: RequestContext, payload: CreateContactPayload): Promise<ContactView> {
    const contactId = this.newId();
    const loaded: LoadedContact = { state: undefined, streamRevision: 'no_stream' };
    const events = createContact(undefined, { contactId, info: payload.info }, this.newId);
    return this.commit(context, contactId, loaded, events, payload.allowDuplicates ?? false);
  }

  async update(context: RequestContext, payload: UpdateContactPayload): Promise<ContactView> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    const events = updateContact(loaded.state, { revision: payload.revision, info: payload.info }, this.newId);
    return this.commit(context, payload.contactId, loaded, events, payload.allowDuplicates ?? false);
  }

  async delete(context: RequestContext, payload: DeleteContactPayload): Promise<void> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    await this.commit(context, payload.contactId, loaded, deleteContact(loaded.state), true);
  }

  /**
   * Claims the identities the change adds (the duplicate check), appends, then releases the
   * identities it dropped. A failed append gives back what it claimed, so nothing is half-written.
   */
  private async commit(
    context: RequestContext,
    contactId: string,
    loaded: LoadedContact,
    events: ContactEvent[],
    allowDuplicates: boolean,
  ): Promise<ContactView> {
    const occurredAt = this.clock.now();
    const before = loaded.state;
    const after = events.reduce<ContactState | undefined>((state, event) => evolve(state, { ...event, occurredAt }), before)!;
    const liveAfter = after.deleted ? undefined : after.info;
    const claimed = liveAfter ? await this.claims.claim(context, contactId, claimsFor(before?.info, liveAfter, allowDuplicates)) : [];
    let position: number;
    try {
      position = (await this.contacts.append(context, contactId, loaded, events, occurredAt)).position;
    } catch (error) {
      await this.claims.release(context, contactId, claimed);
      throw error;
    }
    if (before) await this.claims.release(context, contactId, identitiesDropped(before.info, liveAfter));
    await this.projection.waitFor(position);
    return toContactView(after);
  }
}
