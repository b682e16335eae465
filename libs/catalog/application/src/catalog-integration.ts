import { Definition } from '@cp/catalog-domain';
import { IntegrationEvent } from '@cp/contracts';
import { RecordedEvent } from '@cp/event-store';
import { CatalogSpec } from './catalog-spec';

/**
 * Catalog events as integration events, one per definition: opening a catalog announces each
 * system definition as created. `sequence` is the catalog stream's revision, which only grows,
 * so it orders the events of every definition.
 */
export function catalogIntegrationEvents<D extends Definition>(spec: CatalogSpec<D>, event: RecordedEvent): IntegrationEvent[] {
  if (!event.streamId.startsWith(spec.streamPrefix)) return [];
  const base = { source: spec.name, siteId: event.siteId, sequence: event.revision, occurredAt: event.occurredAt, correlationId: event.correlationId };
  const data = event.data as Record<string, unknown>;
  if (event.type === spec.eventTypes.opened) {
    return (data.system as D[]).map((definition) => ({
      ...base,
      id: `${event.id}:${definition.key}`,
      type: spec.eventTypes.created,
      entityId: definition.key,
      data: definition,
    }));
  }
  if ([spec.eventTypes.created, spec.eventTypes.renamed, spec.eventTypes.deleted].includes(event.type)) {
    return [{ ...base, id: event.id, type: event.type, entityId: data.key as string, data }];
  }
  return [];
}
