import { ContactEvent, contactDecider, ContactState, ContactView, EmailStatuses, evolve, existing, toContactView } from '@cp/contacts-domain';
import { CreateContactPayload, DeleteContactPayload, RequestContext, UpdateContactPayload } from '@cp/contracts';
import { AppError, isAppError } from '@cp/errors';
import { AppendResult, Idempotency, RecordedEvent } from '@cp/event-store';
import { ContactReferences } from './contact-references';
import { Clock, IdSource } from './clock';
import { ContactRepository, LoadedContact } from './contact-repository';
import { ContactWrites } from './contact-writes';
import { CHECK_DUPLICATES, claimsFor, DuplicateRule, identitiesDropped } from './identity-claims';
import { idempotencyOf, idempotentContactId, keyedIdempotency } from './idempotent-creates';
import { MergeReservations } from './merge-reservations';

export interface CommitOptions {
  /** Bulk jobs do not wait for each contact to be projected. */
  waitForProjection?: boolean;
  /** A create's idempotency key and request digest, kept in its events' metadata. */
  idempotency?: Idempotency;
}

const NO_WAIT: CommitOptions = { waitForProjection: false };
/** Identities do not change (labels, extended fields, deletes): the rule has nothing to check. */
const SAME_IDENTITIES: DuplicateRule = { allowDuplicates: true };
/** How often a change on the latest revision reads again after losing to a concurrent writer. */
const MAX_RETRIES = 5;

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

/** A source a completed merge could not mark, and why (it was merged into another contact). */
export interface UnmarkedSource {
  contactId: string;
  code: string;
}

/** Read-your-writes: a command returns once queries show its events (ContactsProjection). */
export interface ProjectionProgress {
  /** Shows what this process appended: applied at once where it can, else a bounded wait for the subscription. */
  showCommitted(appended: readonly AppendResult[]): Promise<void>;
  /** A bounded wait for the subscription to pass a position. */
  waitFor(position: number): Promise<void>;
}

/** A contact's data key, as the write side needs it (crypto-shredding, docs/privacy.md). */
export interface ContactDataKeys {
  /** The key (made now for a new contact); a contact erased since throws 404 CONTACT_NOT_FOUND. */
  keyOf(siteId: string, contactId: string): Promise<Buffer>;
  /** Destroys the contact's data key, then purges the read store's files of what was removed. */
  shred(siteId: string, contactId: string): Promise<void>;
}

/** The email subscriptions of a contact's addresses, which its view shows. */
export interface EmailStatusSource {
  statusesOf(siteId: string, state: ContactState): Promise<EmailStatuses>;
}

/** Load, decide, append with the expected revision: the write side of contacts. */
export class ContactCommands {
  private readonly decider: ReturnType<typeof contactDecider>;

  constructor(
    private readonly contacts: ContactRepository,
    private readonly writes: ContactWrites,
    private readonly references: ContactReferences,
    private readonly projection: ProjectionProgress,
    private readonly clock: Clock,
    private readonly newId: IdSource,
    private readonly reservations: MergeReservations,
    private readonly statuses: EmailStatusSource,
    private readonly dataKeys: ContactDataKeys,
  ) {
    this.decider = contactDecider(newId);
  }

  /** With an idempotency key, a create sent again answers the contact the first one made (see idempotent-creates). */
  async create(context: RequestContext, payload: CreateContactPayload, options: CommitOptions = {}): Promise<ContactView> {
    const requested = idempotencyOf(payload);
    const contactId = requested ? idempotentContactId(context.siteId, requested) : this.newId();
    const idempotency = requested && keyedIdempotency(requested, await this.dataKeys.keyOf(context.siteId, contactId));
    if (idempotency) {
      // Before any claim is decided: on a store that appends stream by stream, a retry's claims would land and then be given back.
      const created = await this.contacts.asCreatedWith(context.siteId, contactId, idempotency);
      if (created) return this.answerCreated(context, created);
    }
    const loaded: LoadedContact = { state: undefined, streamRevision: 'no_stream' };
    const info = await this.references.check(context, payload.info ?? {});
    const events = this.decider.decide({ type: 'CreateContact', data: { contactId, info } }, undefined);
    try {
      return await this.commit(context, contactId, loaded, events, { allowDuplicates: payload.allowDuplicates ?? false }, { ...options, idempotency });
    } catch (error) {
      // A twin sent with the same key committed first: answer what it made.
      if (!idempotency || !isAppError(error) || error.code !== 'CONTACT_ID_ALREADY_EXISTS') throw error;
      const created = await this.contacts.asCreatedWith(context.siteId, contactId, idempotency);
      if (!created) throw error;
      return this.answerCreated(context, created);
    }
  }

  /** Checks a create's info as create does, and writes nothing (an import's dry run). */
  async checkCreate(context: RequestContext, info: Record<string, unknown>): Promise<void> {
    const checked = await this.references.check(context, info);
    this.decider.decide({ type: 'CreateContact', data: { contactId: this.newId(), info: checked } }, undefined);
  }

  /**
   * A retried create's answer, once queries show the contact: the first attempt may have been
   * another process's, which died before it projected the contact, so its events are shown here
   * as this process's own would be (applied in order, or waited for).
   */
  private async answerCreated(context: RequestContext, created: { state: ContactState | undefined; stream: RecordedEvent[] }): Promise<ContactView> {
    if (!created.state) throw AppError.notFound('CONTACT_NOT_FOUND', 'The contact this Idempotency-Key created was erased since');
    const last = created.stream[created.stream.length - 1];
    await this.projection.showCommitted([{ revision: last.revision, position: last.globalPosition, recorded: created.stream }]);
    return this.view(context, created.state);
  }

  async update(context: RequestContext, payload: UpdateContactPayload): Promise<ContactView> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    existing(loaded.state); // an unknown contact is a 404 before anything about the input
    const checked = await this.references.check(context, payload.info ?? {});
    const info = this.references.keepProtectedValues(context, loaded.state?.info, checked);
    const events = this.decider.decide({ type: 'UpdateContact', data: { revision: payload.revision, info } }, loaded.state);
    return this.commit(context, payload.contactId, loaded, events, { allowDuplicates: payload.allowDuplicates ?? false });
  }

  /** Adds labels that exist (404 naming the unknown ones, nothing applied). */
  async label(context: RequestContext, payload: LabelsPayload): Promise<ContactView> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    existing(loaded.state);
    await this.references.requireLabels(context, payload.labelKeys);
    return this.commit(context, payload.contactId, loaded, this.decider.decide({ type: 'LabelContact', data: payload }, loaded.state), SAME_IDENTITIES);
  }

  async unlabel(context: RequestContext, payload: LabelsPayload): Promise<ContactView> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    existing(loaded.state);
    await this.references.requireLabels(context, payload.labelKeys);
    return this.commit(context, payload.contactId, loaded, this.decider.decide({ type: 'UnlabelContact', data: payload }, loaded.state), SAME_IDENTITIES);
  }

  /**
   * Merges sources into the target, all or nothing (docs/architecture.md, "Merge"): it reserves
   * every contact of the merge, appends the target's `ContactsMerged` — the commit point — and
   * then marks each source merged into the target. A failure before the commit point changes
   * nothing; after it, the merge completes, here or (after a crash) in the MergeCompleter.
   */
  async merge(context: RequestContext, payload: MergePayload): Promise<ContactView> {
    const mergeId = this.newId();
    const { target, events } = await this.planMerge(context, payload, mergeId);
    const contactIds = [payload.targetContactId, ...payload.sourceContactIds];
    await this.reservations.reserve(context, contactIds, mergeId, payload.targetContactId);
    let view: ContactView;
    try {
      // Identities move from the sources to the target: no new duplicate, yet no new one slips in.
      view = await this.commit(context, payload.targetContactId, target, events, { allowDuplicates: false, movedFrom: payload.sourceContactIds }, NO_WAIT);
    } catch (error) {
      await this.reservations.release(context, contactIds, mergeId);
      throw error;
    }
    await this.completeMerge(context, payload.targetContactId, payload.sourceContactIds);
    await this.reservations.release(context, contactIds, mergeId);
    await this.projection.waitFor(await this.contacts.headPosition());
    return view;
  }

  /**
   * Marks every source of a committed merge merged into its target, whatever happened to it
   * since; redoing it changes nothing. Returns the sources it could not mark.
   */
  async completeMerge(context: RequestContext, targetId: string, sourceIds: readonly string[]): Promise<UnmarkedSource[]> {
    const unmarked: UnmarkedSource[] = [];
    for (const sourceId of sourceIds) {
      try {
        await this.changeLatest(context, sourceId, (state) => this.decider.decide({ type: 'MarkMergedInto', data: { targetId } }, state), SAME_IDENTITIES, NO_WAIT);
      } catch (error) {
        if (!isAppError(error) || error.code === 'REVISION_MISMATCH' || error.kind === 'UNAVAILABLE') throw error;
        unmarked.push({ contactId: sourceId, code: error.code });
      }
    }
    return unmarked;
  }

  /** What a merge would make of the target; nothing is stored. */
  async previewMerge(context: RequestContext, payload: MergePayload): Promise<ContactView> {
    const { target, events } = await this.planMerge(context, { ...payload, targetContactRevision: undefined });
    const occurredAt = this.clock.now();
    return this.view(context, events.reduce((state, event) => evolve(state, { ...event, occurredAt }), target.state)!);
  }

  private async planMerge(context: RequestContext, payload: MergePayload, mergeId?: string) {
    const target = await this.contacts.load(context.siteId, payload.targetContactId);
    const sources = await Promise.all(payload.sourceContactIds.map((id) => this.contacts.load(context.siteId, id)));
    const events = this.decider.decide(
      { type: 'MergeContacts', data: { sources: sources.map((source) => source.state), sourceContactIds: payload.sourceContactIds, targetRevision: payload.targetContactRevision, mergeId } },
      target.state,
    );
    return { target, events };
  }

  /**
   * Removes a deleted label or field from one contact, re-reading on a concurrent change.
   * Returns false when the contact no longer exists or holds nothing to remove.
   */
  async removeDefinition(context: RequestContext, contactId: string, removal: { labelKey?: string; fieldKey?: string }): Promise<boolean> {
    const decide = (state: ContactState | undefined) => {
      if (!state || state.deleted) return [];
      return this.decider.decide(
        removal.labelKey ? { type: 'UnlabelContact', data: { labelKeys: [removal.labelKey] } } : { type: 'RemoveExtendedFieldValues', data: { keys: [removal.fieldKey!] } },
        state,
      );
    };
    try {
      return (await this.changeLatest(context, contactId, decide, SAME_IDENTITIES)) !== undefined;
    } catch (error) {
      if (isAppError(error) && error.code === 'REVISION_MISMATCH') return false;
      throw error;
    }
  }

  async delete(context: RequestContext, payload: DeleteContactPayload, options: CommitOptions = {}): Promise<void> {
    const loaded = await this.contacts.load(context.siteId, payload.contactId);
    await this.commit(context, payload.contactId, loaded, this.decider.decide({ type: 'DeleteContact' }, loaded.state), SAME_IDENTITIES, options);
  }

  /**
   * Erases a contact, deleted or not (docs/privacy.md): appends `ContactErased` with the release
   * of the identities it still holds, removes it from the read model, then destroys its data key,
   * after which its earlier events read as redacted everywhere. Erasing it again only destroys
   * the key again, so a retry finishes an erasure cut short after its event.
   */
  async erase(context: RequestContext, contactId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.contacts.load(context.siteId, contactId);
      const events = this.decider.decide({ type: 'EraseContact' }, loaded.state);
      if (events.length === 0) break;
      const before = loaded.state!;
      const identities = { claims: [], dropped: before.deleted ? [] : identitiesDropped(before.info, undefined) };
      try {
        const appended = await this.writes.write(context, contactId, loaded, events, this.clock.now(), identities);
        await this.projection.showCommitted([appended]);
        break;
      } catch (error) {
        if (!(isAppError(error) && error.code === 'REVISION_MISMATCH') || attempt >= MAX_RETRIES) throw error;
      }
    }
    await this.dataKeys.shred(context.siteId, contactId);
  }

  /**
   * Sets already-checked info on the contact's latest revision (bulk update: no revision from
   * the caller), with the duplicate rule of an update.
   */
  async updateLatest(context: RequestContext, contactId: string, info: Record<string, unknown>, options: CommitOptions = {}): Promise<void> {
    const decide = (state: ContactState | undefined) =>
      this.decider.decide({ type: 'UpdateContact', data: { revision: state?.revision ?? 0, info: this.references.keepProtectedValues(context, state?.info, info) } }, state);
    await this.changeLatest(context, contactId, decide, CHECK_DUPLICATES, options);
  }

  /** Adds and removes labels already checked to exist (bulk labelling). */
  async relabel(context: RequestContext, contactId: string, add: readonly string[], remove: readonly string[], options: CommitOptions = {}): Promise<void> {
    const decide = (state: ContactState | undefined) => this.decider.decide({ type: 'RelabelContact', data: { add, remove } }, state);
    await this.changeLatest(context, contactId, decide, SAME_IDENTITIES, options);
  }

  /**
   * Load, decide and commit on the contact's latest revision, for changes that carry no revision
   * from the caller: losing to a concurrent writer makes it read again and decide anew.
   * Resolves to undefined when there is nothing to change.
   */
  private async changeLatest(
    context: RequestContext,
    contactId: string,
    decide: (state: ContactState | undefined) => ContactEvent[],
    rule: DuplicateRule,
    options: CommitOptions = {},
  ): Promise<ContactView | undefined> {
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.contacts.load(context.siteId, contactId);
      const events = decide(loaded.state);
      if (events.length === 0) return undefined;
      try {
        return await this.commit(context, contactId, loaded, events, rule, options);
      } catch (error) {
        if (!(isAppError(error) && error.code === 'REVISION_MISMATCH') || attempt >= MAX_RETRIES) throw error;
      }
    }
  }

  /**
   * Appends the change with the identities it claims (the duplicate check) and releases, all
   * together (see ContactWrites), then waits until queries see it.
   */
  private async commit(
    context: RequestContext,
    contactId: string,
    loaded: LoadedContact,
    events: ContactEvent[],
    rule: DuplicateRule,
    options: CommitOptions = {},
  ): Promise<ContactView> {
    const before = loaded.state;
    if (events.length === 0 && before) return this.view(context, before);
    const occurredAt = this.clock.now();
    const after = events.reduce<ContactState | undefined>((state, event) => evolve(state, { ...event, occurredAt }), before)!;
    const liveAfter = after.deleted ? undefined : after.info;
    const identities = {
      claims: liveAfter ? claimsFor(before?.info, liveAfter, rule) : [],
      dropped: before ? identitiesDropped(before.info, liveAfter) : [],
    };
    const appended = await this.writes.write(context, contactId, loaded, events, occurredAt, identities, options.idempotency);
    if (options.waitForProjection !== false) await this.projection.showCommitted([appended]);
    return this.view(context, after);
  }

  private async view(context: RequestContext, state: ContactState): Promise<ContactView> {
    return toContactView(state, await this.statuses.statusesOf(context.siteId, state));
  }
}
