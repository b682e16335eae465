import { IntegrationEvent } from '@cp/contracts';
import { RecordedEvent } from '@cp/event-store';
import { contactIdOf, isContactStream } from './streams';

/**
 * Contact events as integration events on `contacts.events` (for webhooks and other
 * consumers): one per stored contact event, keyed by contact; `sequence` is the contact's
 * revision after the event, so consumers can drop what they have already seen.
 */
export function contactIntegrationEvents(event: RecordedEvent): IntegrationEvent[] {
  if (!isContactStream(event.streamId)) return [];
  return [
    {
      id: event.id,
      type: event.type,
      source: 'contacts',
      siteId: event.siteId,
      entityId: contactIdOf(event.streamId),
      sequence: event.revision + 1,
      occurredAt: event.occurredAt,
      correlationId: event.correlationId,
      data: event.data,
    },
  ];
}
