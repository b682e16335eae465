import { ContactEvent, ContactEventRecord, ContactState, fold } from '@cp/contacts-domain';
import { RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { AppendResult, EventStore, isWrongExpectedRevision } from '@cp/event-store';
import { metadataFor, toNewEvents } from './event-metadata';
import { recordOf } from './stream-decisions';
import { contactStream } from './streams';

export interface LoadedContact {
  state: ContactState | undefined;
  /** Revision of the stream's last event, or 'no_stream'. */
  streamRevision: number | 'no_stream';
}

/** Loads a contact by folding its stream and appends new events with the expected revision. */
export class ContactRepository {
  constructor(private readonly store: EventStore) {}

  async load(siteId: string, contactId: string): Promise<LoadedContact> {
    const events = await this.store.readStream(contactStream(siteId, contactId));
    const records = events.map(recordOf<ContactEventRecord>);
    return { state: fold(records), streamRevision: events.length === 0 ? 'no_stream' : events[events.length - 1].revision };
  }

  /** The newest global position of the store: what a caller waits for to see every change so far. */
  headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  /** Appends; a concurrent writer in between is a 409 REVISION_MISMATCH, never a lost update. */
  async append(
    context: RequestContext,
    contactId: string,
    loaded: LoadedContact,
    events: readonly ContactEvent[],
    occurredAt: string,
  ): Promise<AppendResult> {
    try {
      return await this.store.append(
        contactStream(context.siteId, contactId),
        toNewEvents(events, metadataFor(context, occurredAt)),
        loaded.streamRevision,
      );
    } catch (error) {
      if (!isWrongExpectedRevision(error)) throw error;
      const current = await this.load(context.siteId, contactId);
      if (loaded.streamRevision === 'no_stream') {
        throw AppError.conflict('CONTACT_ID_ALREADY_EXISTS', `Contact ${contactId} already exists`);
      }
      throw AppError.conflict('REVISION_MISMATCH', 'The contact was changed by another request; reload it and retry', {
        currentRevision: current.state?.revision ?? 0,
      });
    }
  }
}
