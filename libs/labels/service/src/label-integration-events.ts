import { IntegrationEvent } from '@cp/contracts';
import { RecordedEvent, recordOf } from '@cp/event-store';
import { LABEL_EVENT_TYPES, LabelEventRecord } from '@cp/labels-domain';
import { LABELS_SERVICE, LABELS_STREAM_PREFIX } from './labels-stream';

/**
 * Label events as integration events (for the contacts service's copy), one per label: opening
 * a catalog announces each system label as created. `sequence` is the catalog stream's
 * revision, which only grows, so it orders the events of every label.
 */
export function labelIntegrationEvents(stored: RecordedEvent): IntegrationEvent[] {
  if (!stored.streamId.startsWith(LABELS_STREAM_PREFIX)) return [];
  const base = { source: LABELS_SERVICE, siteId: stored.siteId, sequence: stored.revision, occurredAt: stored.occurredAt, correlationId: stored.correlationId };
  const event = recordOf<LabelEventRecord>(stored);
  switch (event.type) {
    case LABEL_EVENT_TYPES.opened:
      return event.data.system.map((label) => ({ ...base, id: `${stored.id}:${label.key}`, type: LABEL_EVENT_TYPES.created, entityId: label.key, data: label }));
    case LABEL_EVENT_TYPES.created:
    case LABEL_EVENT_TYPES.renamed:
    case LABEL_EVENT_TYPES.deleted:
      return [{ ...base, id: stored.id, type: event.type, entityId: event.data.key, data: event.data }];
    default:
      return [];
  }
}
