import {
  ContactEvent,
  ContactState,
  ContactView,
  createContact,
  deleteContact,
  evolve,
  deleteMergedSource,
  existing,
  labelContact,
  mergeContacts,
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

export interface CommitOptions {
  /** Bulk jobs do not wait for each contact to be projected. */
  waitForProjection?: boolean;
}

export interface MergePayload {
  targetContactId: string;
  sourceContactIds: string[];
  /** Required to merge; a preview has none. */
  targetContactRevision?: number;
}

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
    existing(loaded.state); // an unknown contact is a 404 before anything about the input
    const checked = await this.references.check(context, payload.info ?? {});
    const info = this.references.keepProtectedValues(context, loaded.state?.info, checked);
    const events = updateContact(loaded.state, { revision: payload.revision, info }, this.newId);
    return this.commit(context, payload.contactId, loaded, events, payload.allowDuplicates ?? false);
  }

  /** Adds labels that exist (404 naming the unknown ones, nothing applied). */
  async label(context: RequestContext, payload: LabelsPayload): Promise<ContactView> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    existing(loaded.state);
    await this.references.requireLabels(context, payload.labelKeys);
    return this.commit(context, payload.contactId, loaded, labelContact(loaded.state, payload.labelKeys), true);
  }

  async unlabel(context: RequestContext, payload: LabelsPayload): Promise<ContactView> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    existing(loaded.state);
    await this.references.requireLabels(context, payload.labelKeys);
    return this.commit(context, payload.contactId, loaded, unlabelContact(loaded.state, payload.labelKeys), true);
  }

  /**
   * Merges sources into the target (revision checked), then deletes each source, recording
   * which contact it went into. A source changed in between is deleted all the same: its data
   * as read is what the target received.
   */
  async merge(context: RequestContext, payload: MergePayload): Promise<ContactView> {
    const { target, sources, events } = await this.planMerge(context, payload);
    const view = await this.commit(context, payload.targetContactId, target, events, true);
    for (const [index, sourceId] of payload.sourceContactIds.entries()) {
      let loaded = sources[index];
      for (let attempt = 0; ; attempt++) {
        try {
          await this.commit(context, sourceId, loaded, deleteMergedSource(loaded.state, payload.targetContactId), true);
          break;
        } catch (error) {
          if (!(isAppError(error) && error.code === 'REVISION_MISMATCH') || attempt >= 5) throw error;
          loaded = await this.contacts.load(context.siteId, sourceId);
        }
      }
    }
    return view;
  }

  /** What a merge would make of the target; nothing is stored. */
  async previewMerge(context: RequestContext, payload: MergePayload): Promise<ContactView> {
    const { target, events } = await this.planMerge(context, { ...payload, targetContactRevision: undefined });
    const occurredAt = this.clock.now();
    return toContactView(events.reduce((state, event) => evolve(state, { ...event, occurredAt }), target.state)!);
  }

  private async planMerge(context: RequestContext, payload: MergePayload) {
    const target = await this.contacts.load(context.siteId, payload.targetContactId);
    const sources = await Promise.all(payload.sourceContactIds.map((id) => this.contacts.load(context.siteId, id)));
    const events = mergeContacts(
      target.state,
      sources.map((source) => source.state),
      { sourceContactIds: payload.sourceContactIds, targetRevision: payload.targetContactRevision },
    );
    return { target, sources, events };
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

  async delete(context: RequestContext, payload: DeleteContactPayload, options: CommitOptions = {}): Promise<void> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    await this.commit(context, payload.contactId, loaded, deleteContact(loaded.state), true, options);
  }

  /**
   * Sets already-checked info on the contact's latest revision (bulk update: no revision from
   * the caller); a concurrent change makes it re-read and apply again.
   */
  async updateLatest(context: RequestContext, contactId: string, info: Record<string, unknown>, options: CommitOptions = {}): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.contacts.load(context.siteId, contactId);
      const protectedInfo = this.references.keepProtectedValues(context, loaded.state?.info, info);
      const events = updateContact(loaded.state, { revision: loaded.state?.revision ?? 0, info: protectedInfo }, this.newId);
      try {
        await this.commit(context, contactId, loaded, events, true, options);
        return;
      } catch (error) {
        if (!(isAppError(error) && error.code === 'REVISION_MISMATCH') || attempt >= 5) throw error;
      }
    }
  }

  /** Adds and removes labels already checked to exist (bulk labelling). */
  async relabel(context: RequestContext, contactId: string, add: readonly string[], remove: readonly string[], options: CommitOptions = {}): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.contacts.load(context.siteId, contactId);
      const labeled = labelContact(loaded.state, add);
      const afterAdd = labeled.reduce<ContactState | undefined>((state, event) => evolve(state, { ...event, occurredAt: '' }), loaded.state);
      const events = [...labeled, ...unlabelContact(afterAdd, remove)];
      try {
        await this.commit(context, contactId, loaded, events, true, options);
        return;
      } catch (error) {
        if (!(isAppError(error) && error.code === 'REVISION_MISMATCH') || attempt >= 5) throw error;
      }
    }
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
    options: CommitOptions = {},
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
    if (options.waitForProjection !== false) await this.projection.waitFor(position);
    return toContactView(after);
  }
}
