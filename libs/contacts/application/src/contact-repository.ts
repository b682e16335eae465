import { ContactEventRecord, ContactState, fold } from '@cp/contacts-domain';
import { AppError } from '@cp/errors';
import { EventStore, Idempotency, RecordedEvent, recordsOf } from '@cp/event-store';
import { eventsOfCreate } from './idempotent-creates';
import { contactStream } from './streams';

export interface LoadedContact {
  state: ContactState | undefined;
  /** Revision of the stream's last event, or 'no_stream'. */
  streamRevision: number | 'no_stream';
}

/** Loads a contact by folding its stream. */
export class ContactRepository {
  constructor(private readonly store: EventStore) {}

  async load(siteId: string, contactId: string): Promise<LoadedContact> {
    const events = await this.store.readStream(contactStream(siteId, contactId));
    const records = recordsOf<ContactEventRecord>(events);
    return { state: fold(records), streamRevision: events.length === 0 ? 'no_stream' : events[events.length - 1].revision };
  }

  /** The contact as it was at this revision (its first `revision` events). */
  async loadAt(siteId: string, contactId: string, revision: number): Promise<ContactState | undefined> {
    const events = await this.store.readStream(contactStream(siteId, contactId));
    return fold(recordsOf<ContactEventRecord>(events.slice(0, revision)));
  }

  /**
   * The contact as the create with this idempotency made it, whatever happened to it since (a
   * retry answers what the first attempt answered), and its stream as it is now; undefined when
   * nothing was created yet. The state is undefined once the contact was erased (its create reads as redacted).
   */
  async asCreatedWith(siteId: string, contactId: string, idempotency: Idempotency): Promise<{ state: ContactState | undefined; stream: RecordedEvent[] } | undefined> {
    const events = await this.store.readStream(contactStream(siteId, contactId));
    return events.length === 0 ? undefined : { state: fold(eventsOfCreate(events, idempotency)), stream: events };
  }

  /** The newest global position of the store: what a caller waits for to see every change so far. */
  headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  /** What a write on `loaded` that lost to a concurrent writer answers: a 409, never a lost update. */
  async conflict(siteId: string, contactId: string, loaded: LoadedContact): Promise<AppError> {
    if (loaded.streamRevision === 'no_stream') return AppError.conflict('CONTACT_ID_ALREADY_EXISTS', `Contact ${contactId} already exists`);
    const current = await this.load(siteId, contactId);
    return AppError.conflict('REVISION_MISMATCH', 'The contact was changed by another request; reload it and retry', {
      currentRevision: current.state?.revision ?? 0,
    });
  }
}
