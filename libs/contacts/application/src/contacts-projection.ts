import { ContactEventRecord, evolve } from '@cp/contacts-domain';
import { EventStore, RecordedEvent, Subscription } from '@cp/event-store';
import { ReadCollection, ReadStore } from '@cp/read-store';
import {
  CONTACT_INDEXES,
  CONTACTS_COLLECTION,
  ContactDocument,
  contactDocumentId,
  toContactDocument,
} from './contact-read-model';
import { ProjectionCheckpoints } from './projection-checkpoints';
import { contactIdOf, isContactStream } from './streams';

export interface ProjectionLogger {
  error(message: string): void;
  warn(message: string): void;
}

/**
 * Projects contact events into the contacts read model. Idempotent: an event is applied only
 * if it is newer than the revision the document has seen, so redelivery after a crash changes
 * nothing. The checkpoint is the last global position handled.
 */
export class ContactsProjection {
  static readonly NAME = 'contacts';

  private readonly contacts: ReadCollection<ContactDocument>;
  private readonly checkpoints: ProjectionCheckpoints;
  private subscription: Subscription | undefined;
  private position = 0;
  private headAtStart = 0;
  private failure: unknown;
  private waiters: { position: number; resolve: () => void }[] = [];

  constructor(
    private readonly events: EventStore,
    readStore: ReadStore,
    private readonly logger: ProjectionLogger,
  ) {
    this.contacts = readStore.collection<ContactDocument>(CONTACTS_COLLECTION);
    this.checkpoints = new ProjectionCheckpoints(readStore);
  }

  async start(): Promise<void> {
    await this.contacts.createIndexes(CONTACT_INDEXES);
    this.position = await this.checkpoints.load(ContactsProjection.NAME);
    this.headAtStart = await this.events.headPosition();
    this.failure = undefined;
    this.subscription = this.events.subscribeAll((event) => this.handle(event), {
      after: this.position,
      onError: (error) => {
        this.failure = error;
        this.logger.error(`contacts projection stopped: ${error instanceof Error ? error.stack : String(error)}`);
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  /** Caught up with what was stored when it started, and not failed. */
  get ready(): boolean {
    return this.failure === undefined && this.subscription !== undefined && this.position >= this.headAtStart;
  }

  get processedPosition(): number {
    return this.position;
  }

  /** Resolves once the projection has handled `position` (read-your-writes for queries), or after the timeout. */
  waitFor(position: number, timeoutMs = 5_000): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { position, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs).unref();
    });
  }

  private async handle(event: RecordedEvent): Promise<void> {
    if (isContactStream(event.streamId)) await this.apply(event);
    this.position = event.globalPosition;
    await this.checkpoints.save(ContactsProjection.NAME, this.position);
    this.releaseWaiters();
  }

  private async apply(event: RecordedEvent): Promise<void> {
    const id = contactDocumentId(event.siteId, contactIdOf(event.streamId));
    const existing = await this.contacts.findOne({ _id: id });
    if (existing && existing.revision >= event.revision + 1) return; // seen already
    if (!existing && event.type !== 'ContactCreated') {
      this.logger.warn(`skipping ${event.type} at ${event.globalPosition}: contact ${id} unknown to the read model`);
      return;
    }
    const record = { type: event.type, data: event.data, occurredAt: event.occurredAt } as ContactEventRecord;
    const state = evolve(existing?.state, record);
    const seq = existing?.seq ?? event.globalPosition;
    await this.contacts.replaceOne({ _id: id }, toContactDocument(event.siteId, state, seq), { upsert: true });
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.position <= this.position);
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    due.forEach((w) => w.resolve());
  }
}
