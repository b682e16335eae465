import {
  ContactEvent,
  ContactState,
  ContactView,
  createContact,
  deleteContact,
  evolve,
  labelContact,
  removeExtendedFieldValues,
  toContactView,
  unlabelContact,
  updateContact,
} from '@cp/contacts-domain';
import { CreateContactPayload, DeleteContactPayload, RequestContext, UpdateContactPayload } from '@cp/contracts';
import { isAppError } from '@cp/errors';
import { ContactReferences } from './contact-references';
import { Clock, IdSource } from './clock';
import { ContactRepository, LoadedContact } from './contact-repository';
import { claimsFor, identitiesDropped, IdentityClaims } from './identity-claims';

export interface LabelsPayload {
  contactId: string;
  labelKeys: string[];
}

/** Read-your-writes: a command returns once its events are visible to queries (bounded wait). */
export interface ProjectionProgress {
  waitFor(position: number): Promise<void>;
}

/** Load, decide, append with the expected revision: the write side of contacts. */
export class ContactCommands {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly claims: IdentityClaims,
    private readonly references: ContactReferences,
    private readonly projection: ProjectionProgress,
    private readonly clock: Clock,
    private readonly newId: IdSource,
  ) {}

  async create(context: RequestContext, payload: CreateContactPayload): Promise<ContactView> {
    const contactId = this.newId();
    const loaded: LoadedContact = { state: undefined, streamRevision: 'no_stream' };
    const info = await this.references.check(context, payload.info ?? {});
    const events = createContact(undefined, { contactId, info }, this.newId);
    return this.commit(context, contactId, loaded, events, payload.allowDuplicates ?? false);
  }

  async update(context: RequestContext, payload: UpdateContactPayload): Promise<ContactView> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    const info = await this.references.check(context, payload.info ?? {});
    const events = updateContact(loaded.state, { revision: payload.revision, info }, this.newId);
    return this.commit(context, payload.contactId, loaded, events, payload.allowDuplicates ?? false);
  }

  /** Adds labels that exist (404 naming the unknown ones, nothing applied). */
  async label(context: RequestContext, payload: LabelsPayload): Promise<ContactView> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    await this.references.requireLabels(context, payload.labelKeys);
    return this.commit(context, payload.contactId, loaded, labelContact(loaded.state, payload.labelKeys), true);
  }

  async unlabel(context: RequestContext, payload: LabelsPayload): Promise<ContactView> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    await this.references.requireLabels(context, payload.labelKeys);
    return this.commit(context, payload.contactId, loaded, unlabelContact(loaded.state, payload.labelKeys), true);
  }

  /**
   * Removes a deleted label or field from one contact, re-reading on a concurrent change.
   * Returns false when the contact no longer exists or holds nothing to remove.
   */
  async removeDefinition(context: RequestContext, contactId: string, removal: { labelKey?: string; fieldKey?: string }): Promise<boolean> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const loaded = await this.contacts.load(context.siteId, contactId);
      if (!loaded.state || loaded.state.deleted) return false;
      const events = removal.labelKey ? unlabelContact(loaded.state, [removal.labelKey]) : removeExtendedFieldValues(loaded.state, [removal.fieldKey!]);
      if (events.length === 0) return false;
      try {
        await this.commit(context, contactId, loaded, events, true);
        return true;
      } catch (error) {
        if (!(isAppError(error) && error.code === 'REVISION_MISMATCH')) throw error;
      }
    }
    return false;
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
    const before = loaded.state;
    if (events.length === 0 && before) return toContactView(before);
    const occurredAt = this.clock.now();
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
