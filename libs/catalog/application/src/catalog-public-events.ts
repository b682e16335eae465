import { Catalog, CatalogEventRecord, Dated, Definition, emptyCatalog } from '@cp/catalog-domain';
import { PublicEvent, PublicEventType, PublishedPublicEvent, publishedPublicEvent } from '@cp/contracts';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { EventPublisher, EventRelay, publicEventRelay, StreamStateCache } from '@cp/messaging';
import { CheckpointStore, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { CatalogSpec } from './catalog-spec';

type Body = Pick<PublicEvent, 'createdEvent' | 'updatedEvent' | 'deletedEvent'>;

/**
 * Catalog events as public events, one per definition they change (docs/events.md, "Public
 * events"): opening a catalog creates each system definition. The entity is the definition as
 * Get shows it, folded with the read model's rules (dates from the events, none for system
 * definitions), right after the event — for a delete, right before.
 */
export class CatalogPublicEvents<D extends Definition> {
  private readonly states: StreamStateCache<Catalog<D>>;

  constructor(
    private readonly spec: CatalogSpec<D>,
    store: EventStore,
    cacheSize?: number,
  ) {
    const evolve = (state: Catalog<D>, event: RecordedEvent) => spec.evolve(state, { type: event.type, data: event.data, occurredAt: event.occurredAt } as CatalogEventRecord<D>);
    this.states = new StreamStateCache(store, evolve, emptyCatalog<D>(), cacheSize);
  }

  async map(event: RecordedEvent): Promise<PublishedPublicEvent[]> {
    if (!event.streamId.startsWith(this.spec.streamPrefix)) return [];
    const { before, after } = await this.states.step(event);
    const stored = this.spec.eventTypes;
    const types = this.spec.publicEvents.eventTypes;
    const data = event.data as { key: string; system: D[] };
    const published = (ordinal: number, definition: Dated<D> | undefined, eventType: PublicEventType, slug: string, body: (entity: unknown) => Body) =>
      definition ? [this.publicEvent(event, ordinal, definition.key, eventType, slug, body(this.spec.toApi(definition)))] : [];
    switch (event.type) {
      case stored.opened:
        return data.system.flatMap((definition, i) => published(i, after.entries.get(definition.key), types.created, 'created', (entity) => ({ createdEvent: { entity } })));
      case stored.created:
        return published(0, after.entries.get(data.key), types.created, 'created', (entity) => ({ createdEvent: { entity } }));
      case stored.renamed:
        return published(0, after.entries.get(data.key), types.updated, 'updated', (currentEntity) => ({ updatedEvent: { currentEntity } }));
      case stored.deleted:
        return published(0, before.entries.get(data.key), types.deleted, 'deleted', (deletedEntity) => ({ deletedEvent: { deletedEntity } }));
      default:
        return [];
    }
  }

  private publicEvent(event: RecordedEvent, ordinal: number, entityId: string, eventType: PublicEventType, slug: string, body: Body): PublishedPublicEvent {
    return publishedPublicEvent(event, ordinal, { eventType, slug, entityFqdn: this.spec.publicEvents.entityFqdn, entityId }, body);
  }

}

/** A catalog service's relay of its public events to its public topic. */
export function catalogPublicEventRelay<D extends Definition>(
  spec: CatalogSpec<D>,
  options: { eventStore: EventStore; readStore: ReadStore; publisher: EventPublisher; logger: ProjectionLogger; checkpoints?: CheckpointStore },
): EventRelay<PublishedPublicEvent> {
  const publicEvents = new CatalogPublicEvents(spec, options.eventStore);
  return publicEventRelay({ ...options, service: spec.name, topic: spec.publicEvents.topic, streamPrefixes: [spec.streamPrefix], map: (event) => publicEvents.map(event) });
}
