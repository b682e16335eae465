import { PublicEntityFqdns, PublicEventBody, PublicEventTopics, PublishedPublicEvent, publishedPublicEvent } from '@cp/contracts';
import { EventStore, RecordedEvent, recordOf } from '@cp/event-store';
import { evolveLabelCatalog, initialLabelCatalog, Label, LABEL_EVENT_TYPES, LabelCatalog, LabelEventRecord } from '@cp/labels-domain';
import { EventPublisher, EventRelay, publicEventRelay, StreamStateCache } from '@cp/messaging';
import { CheckpointStore, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { LABELS_SERVICE, LABELS_STREAM_PREFIX } from './labels-stream';

/**
 * Label events as public events, one per label they change (docs/events.md, "Public events"):
 * opening a catalog creates each system label. The entity is the label as Get shows it, folded
 * with the read model's rules (dates from the events, none for system labels), right after the
 * event — for a delete, right before.
 */
export class LabelPublicEvents {
  private readonly states: StreamStateCache<LabelCatalog>;

  constructor(store: EventStore, cacheSize?: number) {
    this.states = new StreamStateCache(store, (state, event) => evolveLabelCatalog(state, recordOf<LabelEventRecord>(event)), initialLabelCatalog(), cacheSize);
  }

  async map(stored: RecordedEvent): Promise<PublishedPublicEvent[]> {
    if (!stored.streamId.startsWith(LABELS_STREAM_PREFIX)) return [];
    const { before, after } = await this.states.step(stored);
    const event = recordOf<LabelEventRecord>(stored);
    switch (event.type) {
      case LABEL_EVENT_TYPES.opened:
        return event.data.system.flatMap((label, ordinal) => created(stored, ordinal, after.entries.get(label.key)));
      case LABEL_EVENT_TYPES.created:
        return created(stored, 0, after.entries.get(event.data.key));
      case LABEL_EVENT_TYPES.renamed:
        return published(stored, 0, after.entries.get(event.data.key), 'updated', (currentEntity) => ({ updatedEvent: { currentEntity } }));
      case LABEL_EVENT_TYPES.deleted:
        return published(stored, 0, before.entries.get(event.data.key), 'deleted', (deletedEntity) => ({ deletedEvent: { deletedEntity } }));
      default:
        return [];
    }
  }
}

/** The public event types, by slug. */
const LABEL_PUBLIC_EVENT_TYPES = { created: 'wix.contacts.v4.label_created', updated: 'wix.contacts.v4.label_updated', deleted: 'wix.contacts.v4.label_deleted' } as const;

const created = (stored: RecordedEvent, ordinal: number, label: Label | undefined) => published(stored, ordinal, label, 'created', (entity) => ({ createdEvent: { entity } }));

/** The public event about `label` (none for a label the catalog does not hold); labels are shown as stored. */
function published(stored: RecordedEvent, ordinal: number, label: Label | undefined, slug: keyof typeof LABEL_PUBLIC_EVENT_TYPES, body: (entity: Label) => PublicEventBody): PublishedPublicEvent[] {
  if (!label) return [];
  const about = { eventType: LABEL_PUBLIC_EVENT_TYPES[slug], slug, entityFqdn: PublicEntityFqdns.label, entityId: label.key };
  return [publishedPublicEvent(stored, ordinal, about, body(label))];
}

/** The labels service's relay of its public events to its public topic. */
export function labelPublicEventRelay(options: {
  eventStore: EventStore;
  readStore: ReadStore;
  publisher: EventPublisher;
  logger: ProjectionLogger;
  checkpoints?: CheckpointStore;
}): EventRelay<PublishedPublicEvent> {
  const publicEvents = new LabelPublicEvents(options.eventStore);
  return publicEventRelay({ ...options, service: LABELS_SERVICE, topic: PublicEventTopics.labels, streamPrefixes: [LABELS_STREAM_PREFIX], map: (event) => publicEvents.map(event) });
}
