import { RequestContext } from '@cp/contracts';
import { EventMetadata, Idempotency, NewEvent } from '@cp/event-store';

export function metadataFor(context: RequestContext, occurredAt: string, idempotency?: Idempotency): EventMetadata {
  return { siteId: context.siteId, occurredAt, correlationId: context.correlationId, actor: context.actor, ...(idempotency && { idempotency }) };
}

export function toNewEvents(events: readonly { type: string; data: unknown }[], metadata: EventMetadata): NewEvent[] {
  return events.map((event) => ({ type: event.type, data: event.data, metadata }));
}
