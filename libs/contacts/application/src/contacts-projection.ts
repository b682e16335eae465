import { ContactEventRecord, evolve } from '@cp/contacts-domain';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { CONTACT_INDEXES, CONTACTS_COLLECTION, ContactDocument, contactDocumentId, stateOf, toContactDocument } from './contact-read-model';
import { CONTACT_STREAM_PREFIX, contactIdOf, isContactStream } from './streams';

/**
 * Projects contact events into the contacts read model. Idempotent: an event is applied only
 * if it is newer than the revision the document has seen, so redelivery changes nothing.
 */
export class ContactsProjection {
  static readonly NAME = 'contacts';

  private readonly contacts: ReadCollection<ContactDocument>;
  private readonly runner: CheckpointedProjection;

  /** `collection` other than the live one builds a read model aside (the replay tool's rebuild). */
  constructor(
    events: EventStore,
    readStore: ReadStore,
    private readonly logger: ProjectionLogger,
    readonly collection = CONTACTS_COLLECTION,
  ) {
    this.contacts = readStore.collection<ContactDocument>(collection);
    const name = collection === CONTACTS_COLLECTION ? ContactsProjection.NAME : collection;
    this.runner = new CheckpointedProjection(name, events, readStore, (event) => this.apply(event), logger, [CONTACT_STREAM_PREFIX]);
  }

  async start(): Promise<void> {
    await this.contacts.createIndexes(CONTACT_INDEXES);
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

  waitFor(position: number, timeoutMs?: number): Promise<void> {
    return this.runner.waitFor(position, timeoutMs);
  }

  waitUntilCaughtUp(timeoutMs?: number): Promise<void> {
    return this.runner.waitUntilCaughtUp(timeoutMs);
  }

  private async apply(event: RecordedEvent): Promise<void> {
    if (!isContactStream(event.streamId)) return;
    const id = contactDocumentId(event.siteId, contactIdOf(event.streamId));
    // Read-only: evolve never changes the state it is given, it builds the next one beside it.
    const existing = await this.contacts.findOne({ _id: id }, { readOnly: true });
    if (existing && existing.revision >= event.revision + 1) return; // seen already
    if (!existing && event.type !== 'ContactCreated') {
      this.logger.warn(`skipping ${event.type} at ${event.globalPosition}: contact ${id} unknown to the read model`);
      return;
    }
    const record = { type: event.type, data: event.data, occurredAt: event.occurredAt } as ContactEventRecord;
    const state = evolve(existing ? stateOf(existing) : undefined, record);
    const seq = existing?.seq ?? event.globalPosition;
    // The document is built here from fresh objects and the event's data (sharing unchanged parts with the one it replaces, which nobody changes): hand it over.
    await this.contacts.replaceOne({ _id: id }, toContactDocument(event.siteId, state, seq), { upsert: true, owned: true });
  }
}
