import { ContactEventRecord, ContactState, emailAddresses, EmailStatuses, EmailSubscriptionEventRecord, evolve, evolveSubscription, NO_STATUSES } from '@cp/contacts-domain';
import { AppendResult, EventStore, RecordedEvent, recordOf } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { ReadCollection, ReadStore, replaceIfUnchanged } from '@cp/read-store';
import { CONTACT_INDEXES, CONTACTS_COLLECTION, ContactDocument, contactDocumentId, stateOf, toContactDocument } from './contact-read-model';
import {
  EMAIL_SUBSCRIPTION_INDEXES,
  EMAIL_SUBSCRIPTIONS_COLLECTION,
  EmailSubscriptionDocument,
  emailSubscriptionDocumentId,
  readStatuses,
  statusesOf,
} from './email-subscription-read-model';
import { CONTACT_STREAM_PREFIX, contactIdOf, EMAIL_SUBSCRIPTION_STREAM_PREFIX, isContactStream, isEmailSubscriptionStream } from './streams';

/**
 * Projects contact events and email-subscription events into the contacts read model and the
 * subscriptions beside it. One projection, in the store's order, because a contact's view
 * depends on both: a contact event reads the subscriptions of the contact's addresses, a
 * subscription event rewrites the contacts that have its address, so the result is the same
 * whatever interleaving happened, live or rebuilt from zero. Idempotent: an event is applied
 * only if it is newer than the revision the document has seen, so redelivery changes nothing.
 */
export class ContactsProjection {
  static readonly NAME = 'contacts';

  private readonly contacts: ReadCollection<ContactDocument>;
  private readonly subscriptions: ReadCollection<EmailSubscriptionDocument>;
  private readonly runner: CheckpointedProjection;

  /** `collection` other than the live one builds a read model aside (the replay tool's rebuild). */
  constructor(
    events: EventStore,
    readStore: ReadStore,
    private readonly logger: ProjectionLogger,
    readonly collection = CONTACTS_COLLECTION,
  ) {
    this.contacts = readStore.collection<ContactDocument>(collection);
    this.subscriptions = readStore.collection<EmailSubscriptionDocument>(ContactsProjection.subscriptionsCollection(collection));
    const name = collection === CONTACTS_COLLECTION ? ContactsProjection.NAME : collection;
    this.runner = new CheckpointedProjection(name, events, readStore, async (event) => void (await this.apply(event)), logger, [CONTACT_STREAM_PREFIX, EMAIL_SUBSCRIPTION_STREAM_PREFIX]);
  }

  /** The subscriptions collection that goes with a contacts collection. */
  static subscriptionsCollection(contactsCollection: string): string {
    return contactsCollection === CONTACTS_COLLECTION ? EMAIL_SUBSCRIPTIONS_COLLECTION : `${contactsCollection}_${EMAIL_SUBSCRIPTIONS_COLLECTION}`;
  }

  async start(): Promise<void> {
    await this.contacts.createIndexes(CONTACT_INDEXES);
    await this.subscriptions.createIndexes(EMAIL_SUBSCRIPTION_INDEXES);
    await this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  get ready(): boolean {
    return this.runner.ready;
  }

  get processedPosition(): number {
    return this.runner.processedPosition;
  }

  /** Whether this replica runs the subscription or follows another's (see CheckpointedProjection). */
  get activity(): 'stopped' | 'active' | 'standby' {
    return this.runner.activity;
  }

  waitFor(position: number, timeoutMs?: number): Promise<void> {
    return this.runner.waitFor(position, timeoutMs);
  }

  waitUntilCaughtUp(timeoutMs?: number): Promise<void> {
    return this.runner.waitUntilCaughtUp(timeoutMs);
  }

  /** See CheckpointedProjection.caughtUp: the service serves once this resolves. */
  caughtUp(report: (message: string) => void): Promise<void> {
    return this.runner.caughtUp(report);
  }

  /**
   * Returns once queries show what a command of this process appended: its events are applied
   * here and now (read your writes, with no wait on the subscription), unless the store did not
   * return them or the read model misses an earlier event of the same contact or subscription
   * (another writer's); then it waits for the subscription to get there, bounded.
   */
  showCommitted(appended: readonly AppendResult[]): Promise<void> {
    return this.runner.showCommitted(appended, (event) => this.apply(event, { inOrder: true }));
  }

  /** Applies an event; `inOrder` (applied ahead of the subscription) refuses one that does not follow the document's revision, with false. */
  private async apply(event: RecordedEvent, { inOrder = false } = {}): Promise<boolean> {
    if (isContactStream(event.streamId)) return this.applyContactEvent(event, inOrder);
    if (isEmailSubscriptionStream(event.streamId)) return this.applySubscriptionEvent(event, inOrder);
    return true;
  }

  private async applyContactEvent(event: RecordedEvent, inOrder: boolean): Promise<boolean> {
    const id = contactDocumentId(event.siteId, contactIdOf(event.streamId));
    if (event.redacted) return true; // an erased contact's earlier events: nothing left to show
    const erasure = event.type === 'ContactErased';
    for (;;) {
      // Read-only: evolve never changes the state it is given, it builds the next one beside it.
      const existing = await this.contacts.findOne({ _id: id }, { readOnly: true });
      if (existing && existing.revision >= event.revision + 1) return true; // seen already
      if (inOrder && (existing?.revision ?? 0) !== event.revision) return false;
      if (!existing && event.type !== 'ContactCreated' && !erasure) {
        this.logger.warn(`skipping ${event.type} at ${event.globalPosition}: contact ${id} unknown to the read model`);
        return true;
      }
      // An erasure replaces the document with a marker made of the event alone (no personal data;
      // the same live and rebuilt), whose revision keeps any earlier event arriving late from
      // bringing the contact back.
      const state = erasure ? { ...evolve(undefined, recordOf<ContactEventRecord>(event)), revision: event.revision + 1 } : evolve(existing ? stateOf(existing) : undefined, recordOf<ContactEventRecord>(event));
      const seq = erasure ? event.globalPosition : (existing?.seq ?? event.globalPosition);
      const statuses = await this.statusesAfter(event.siteId, existing, state);
      // The document is built here from fresh objects and the event's data (sharing unchanged parts with the one it replaces, which nobody changes): hand it over.
      const doc = toContactDocument(event.siteId, state, seq, statuses);
      if (await replaceIfUnchanged(this.contacts, existing, doc, { owned: true })) {
        await this.keepStatusesCurrent(event.siteId, doc, statuses);
        return true;
      }
      // Another replica wrote the contact meanwhile: read it again.
    }
  }

  /**
   * Most contact events leave the addresses as they were: their statuses are then the document's.
   * A tombstone is never shown and keeps none, so replicas that applied a delete before or after
   * a subscription change of its address agree.
   */
  private statusesAfter(siteId: string, existing: ContactDocument | null, state: ContactState): Promise<EmailStatuses> | EmailStatuses {
    if (state.deleted) return NO_STATUSES;
    const emails = emailAddresses(state.info);
    const before = existing?.lowercased.emails ?? [];
    if (existing && emails.length === before.length && emails.every((email, i) => email === before[i])) return statusesOf(existing.subscriptions);
    return readStatuses(this.subscriptions, siteId, emails);
  }

  /**
   * A subscription event on another replica may have rewritten this contact's holders before the
   * contact was written, from statuses read before it changed them: read the statuses again
   * after the write, and write once more if they moved. A subscription event that comes later
   * finds the contact among its holders and rewrites it itself, so the two always meet.
   */
  private async keepStatusesCurrent(siteId: string, written: ContactDocument, used: EmailStatuses): Promise<void> {
    for (;;) {
      const emails = written.lowercased.emails ?? [];
      if (written.deleted || emails.length === 0) return;
      const fresh = await readStatuses(this.subscriptions, siteId, emails);
      if (sameStatuses(fresh, used)) return;
      const next = toContactDocument(siteId, stateOf(written), written.seq, fresh);
      // Lost to a later write: its writer reads the statuses after its own write, as this one did.
      if (!(await replaceIfUnchanged(this.contacts, written, next, { owned: true }))) return;
      [written, used] = [next, fresh];
    }
  }

  private async applySubscriptionEvent(event: RecordedEvent, inOrder: boolean): Promise<boolean> {
    // Every subscription event carries its address.
    const email = String((event.data as { email: string }).email).toLowerCase();
    const docId = emailSubscriptionDocumentId(event.siteId, email);
    for (;;) {
      const existing = await this.subscriptions.findOne({ _id: docId }, { readOnly: true });
      if (existing && existing.revision >= event.revision + 1) return true; // seen already
      if (inOrder && (existing?.revision ?? 0) !== event.revision) return false;
      const state = evolveSubscription(existing?.subscription, recordOf<EmailSubscriptionEventRecord>(event));
      if (!state) {
        this.logger.warn(`skipping ${event.type} at ${event.globalPosition}: subscription ${event.streamId} unknown to the read model`);
        return true;
      }
      const doc: EmailSubscriptionDocument = { _id: docId, siteId: event.siteId, email, revision: event.revision + 1, subscription: state };
      if (await replaceIfUnchanged(this.subscriptions, existing, doc)) break;
    }
    // Every live contact with the address shows it (a tombstone is never shown).
    const holders = await this.contacts.find({ siteId: event.siteId, deleted: false, 'lowercased.emails': email }, { readOnly: true });
    for (const holder of holders) await this.showStatusesOn(event.siteId, holder, email);
    return true;
  }

  /** Rewrites a contact with its addresses' statuses as they are now, over the revision it has (a newer write wins, and reads them itself). */
  private async showStatusesOn(siteId: string, holder: ContactDocument, email: string): Promise<void> {
    for (let current: ContactDocument | null = holder; current && !current.deleted && current.lowercased.emails?.includes(email); ) {
      const statuses = await readStatuses(this.subscriptions, siteId, current.lowercased.emails ?? []);
      const next = toContactDocument(siteId, stateOf(current), current.seq, statuses);
      if (await replaceIfUnchanged(this.contacts, current, next, { owned: true })) return;
      current = await this.contacts.findOne({ _id: holder._id }, { readOnly: true });
    }
  }
}

function sameStatuses(a: EmailStatuses, b: EmailStatuses): boolean {
  if (a.size !== b.size) return false;
  for (const [email, status] of a) {
    const other = b.get(email);
    if (!other || other.subscriptionStatus !== status.subscriptionStatus || other.deliverabilityStatus !== status.deliverabilityStatus) return false;
  }
  return true;
}
