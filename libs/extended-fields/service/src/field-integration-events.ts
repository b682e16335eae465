import { IntegrationEvent } from '@cp/contracts';
import { RecordedEvent, recordOf } from '@cp/event-store';
import { FIELD_EVENT_TYPES, FieldEventRecord } from '@cp/extended-fields-domain';
import { FIELDS_SERVICE, FIELDS_STREAM_PREFIX } from './fields-stream';

/**
 * Field events as integration events (for the contacts service's copy), one per field, whole
 * (`writable` included): opening a catalog announces each system field as created. `sequence`
 * is the catalog stream's revision, which only grows, so it orders the events of every field.
 */
export function fieldIntegrationEvents(stored: RecordedEvent): IntegrationEvent[] {
  if (!stored.streamId.startsWith(FIELDS_STREAM_PREFIX)) return [];
  const base = { source: FIELDS_SERVICE, siteId: stored.siteId, sequence: stored.revision, occurredAt: stored.occurredAt, correlationId: stored.correlationId };
  const event = recordOf<FieldEventRecord>(stored);
  switch (event.type) {
    case FIELD_EVENT_TYPES.opened:
      return event.data.system.map((field) => ({ ...base, id: `${stored.id}:${field.key}`, type: FIELD_EVENT_TYPES.created, entityId: field.key, data: field }));
    case FIELD_EVENT_TYPES.created:
    case FIELD_EVENT_TYPES.renamed:
    case FIELD_EVENT_TYPES.deleted:
      return [{ ...base, id: stored.id, type: event.type, entityId: event.data.key, data: event.data }];
    default:
      return [];
  }
}
