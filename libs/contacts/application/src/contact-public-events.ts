import { ContactEventRecord, ContactState, evolve, toContactView } from '@cp/contacts-domain';
import { PublicEntityFqdns, PublicEventBody, PublicEventTopics, PublicEventType, PublishedPublicEvent, publishedPublicEvent } from '@cp/contracts';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { EventPublisher, EventRelay, publicEventRelay, StreamStateCache } from '@cp/messaging';
import { CheckpointStore, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { CONTACT_STREAM_PREFIX, contactIdOf, isContactStream } from './streams';

type Body = PublicEventBody;

const UPDATES = new Set(['ContactUpdated', 'ContactLabeled', 'ContactUnlabeled', 'ContactExtendedFieldsSet', 'ContactExtendedFieldsRemoved']);

/**
 * Stored contact events as public events (docs/events.md, "Public events"). The entity is the
 * contact as Get Contact shows it, at its state right after the event (for a delete: right
 * before); a merge gives `contact_merged`, then the target's `contact_updated`. Events on a
 * contact already deleted (a merge's second marking of a source) give nothing.
 */
export class ContactPublicEvents {
  private readonly states: StreamStateCache<ContactState | undefined>;

  constructor(store: EventStore, cacheSize?: number) {
    this.states = new StreamStateCache<ContactState | undefined>(store, (state, event) => evolve(state, toRecord(event)), undefined, cacheSize);
  }

  async map(event: RecordedEvent): Promise<PublishedPublicEvent[]> {
    if (!isContactStream(event.streamId)) return [];
    const { before, after } = await this.states.step(event);
    if (before?.deleted) return [];
    const published = (ordinal: number, eventType: PublicEventType, slug: string, body: Body) => publicEvent(event, ordinal, eventType, slug, body);
    if (event.type === 'ContactCreated') {
      return [published(0, 'wix.contacts.v4.contact_created', 'created', { createdEvent: { entity: toContactView(after!) } })];
    }
    if (UPDATES.has(event.type)) {
      return [published(0, 'wix.contacts.v4.contact_updated', 'updated', { updatedEvent: { currentEntity: toContactView(after!) } })];
    }
    if (event.type === 'ContactsMerged') {
      const targetContact = toContactView(after!);
      const { sourceContactIds } = event.data as { sourceContactIds: string[] };
      return [
        published(0, 'wix.contacts.v4.contact_merged', 'merged', { actionEvent: { body: { targetContactId: contactIdOf(event.streamId), sourceContactIds, targetContact } } }),
        published(1, 'wix.contacts.v4.contact_updated', 'updated', { updatedEvent: { currentEntity: targetContact }, originatedFrom: 'merge' }),
      ];
    }
    if (event.type === 'ContactDeleted' && before) {
      const { mergedInto } = event.data as { mergedInto?: string };
      return [published(0, 'wix.contacts.v4.contact_deleted', 'deleted', { deletedEvent: { deletedEntity: toContactView(before) }, ...(mergedInto && { originatedFrom: 'merge' }) })];
    }
    return [];
  }
}

/** The contacts service's relay of its public events to `contacts.public-events`. */
export function contactPublicEventRelay(options: {
  eventStore: EventStore;
  readStore: ReadStore;
  publisher: EventPublisher;
  logger: ProjectionLogger;
  checkpoints?: CheckpointStore;
}): EventRelay<PublishedPublicEvent> {
  const publicEvents = new ContactPublicEvents(options.eventStore);
  return publicEventRelay({ ...options, service: 'contacts', topic: PublicEventTopics.contacts, streamPrefix: CONTACT_STREAM_PREFIX, map: (event) => publicEvents.map(event) });
}

function publicEvent(event: RecordedEvent, ordinal: number, eventType: PublicEventType, slug: string, body: Body): PublishedPublicEvent {
  return publishedPublicEvent(event, ordinal, { eventType, slug, entityFqdn: PublicEntityFqdns.contact, entityId: contactIdOf(event.streamId) }, body);
}

function toRecord(event: RecordedEvent): ContactEventRecord {
  return { type: event.type, data: event.data, occurredAt: event.occurredAt } as ContactEventRecord;
}
