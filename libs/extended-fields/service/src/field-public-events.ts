import { PublicEntityFqdns, PublicEventBody, PublicEventTopics, PublishedPublicEvent, publishedPublicEvent } from '@cp/contracts';
import { EventStore, RecordedEvent, recordOf } from '@cp/event-store';
import { evolveFieldCatalog, ExtendedField, FIELD_EVENT_TYPES, FieldCatalog, FieldEventRecord, initialFieldCatalog } from '@cp/extended-fields-domain';
import { EventPublisher, EventRelay, publicEventRelay, StreamStateCache } from '@cp/messaging';
import { CheckpointStore, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { fieldToApi, FieldView } from './field-view';
import { FIELDS_SERVICE, FIELDS_STREAM_PREFIX } from './fields-stream';

/**
 * Field events as public events, one per field they change (docs/events.md, "Public events"):
 * opening a catalog creates each system field. The entity is the field as Get shows it (no
 * `writable`), folded with the read model's rules (dates from the events, none for system
 * fields), right after the event — for a delete, right before.
 */
export class FieldPublicEvents {
  private readonly states: StreamStateCache<FieldCatalog>;

  constructor(store: EventStore, cacheSize?: number) {
    this.states = new StreamStateCache(store, (state, event) => evolveFieldCatalog(state, recordOf<FieldEventRecord>(event)), initialFieldCatalog(), cacheSize);
  }

  async map(stored: RecordedEvent): Promise<PublishedPublicEvent[]> {
    if (!stored.streamId.startsWith(FIELDS_STREAM_PREFIX)) return [];
    const { before, after } = await this.states.step(stored);
    const event = recordOf<FieldEventRecord>(stored);
    switch (event.type) {
      case FIELD_EVENT_TYPES.opened:
        return event.data.system.flatMap((field, ordinal) => created(stored, ordinal, after.entries.get(field.key)));
      case FIELD_EVENT_TYPES.created:
        return created(stored, 0, after.entries.get(event.data.key));
      case FIELD_EVENT_TYPES.renamed:
        return published(stored, 0, after.entries.get(event.data.key), 'updated', (currentEntity) => ({ updatedEvent: { currentEntity } }));
      case FIELD_EVENT_TYPES.deleted:
        return published(stored, 0, before.entries.get(event.data.key), 'deleted', (deletedEntity) => ({ deletedEvent: { deletedEntity } }));
      default:
        return [];
    }
  }
}

/** The public event types, by slug. */
const FIELD_PUBLIC_EVENT_TYPES = {
  created: 'wix.contacts.v4.extended-field_created',
  updated: 'wix.contacts.v4.extended-field_updated',
  deleted: 'wix.contacts.v4.extended-field_deleted',
} as const;

const created = (stored: RecordedEvent, ordinal: number, field: ExtendedField | undefined) => published(stored, ordinal, field, 'created', (entity) => ({ createdEvent: { entity } }));

/** The public event about `field` (none for a field the catalog does not hold), shown as the API shows it. */
function published(
  stored: RecordedEvent,
  ordinal: number,
  field: ExtendedField | undefined,
  slug: keyof typeof FIELD_PUBLIC_EVENT_TYPES,
  body: (entity: FieldView) => PublicEventBody,
): PublishedPublicEvent[] {
  if (!field) return [];
  const about = { eventType: FIELD_PUBLIC_EVENT_TYPES[slug], slug, entityFqdn: PublicEntityFqdns.extendedField, entityId: field.key };
  return [publishedPublicEvent(stored, ordinal, about, body(fieldToApi(field)))];
}

/** The extended-fields service's relay of its public events to its public topic. */
export function fieldPublicEventRelay(options: {
  eventStore: EventStore;
  readStore: ReadStore;
  publisher: EventPublisher;
  logger: ProjectionLogger;
  checkpoints?: CheckpointStore;
}): EventRelay<PublishedPublicEvent> {
  const publicEvents = new FieldPublicEvents(options.eventStore);
  return publicEventRelay({ ...options, service: FIELDS_SERVICE, topic: PublicEventTopics.extendedFields, streamPrefixes: [FIELDS_STREAM_PREFIX], map: (event) => publicEvents.map(event) });
}
