import { contactIdOf, contactStream, isContactStream } from './streams';
import { EventStore, RecordedEvent } from '@cp/event-store';

export interface ExportFilter {
  siteId?: string;
  /** Only this contact's stream. */
  contactId?: string;
  /** ISO times, inclusive. */
  from?: string;
  to?: string;
}

/**
 * Streams stored events in global order, filtered by site, contact and time, for export as
 * JSON Lines. Reads in pages, so it works on stores of any size and on every adapter.
 */
export async function* exportEvents(store: EventStore, filter: ExportFilter, pageSize = 1000): AsyncGenerator<RecordedEvent> {
  const from = filter.from ? Date.parse(filter.from) : -Infinity;
  const to = filter.to ? Date.parse(filter.to) : Infinity;
  if (Number.isNaN(from) || Number.isNaN(to)) throw new Error('--from and --to must be ISO-8601 times');
  const matches = (event: RecordedEvent) => {
    if (filter.siteId && event.siteId !== filter.siteId) return false;
    if (filter.contactId && (!isContactStream(event.streamId) || contactIdOf(event.streamId) !== filter.contactId)) return false;
    const time = Date.parse(event.occurredAt);
    return time >= from && time <= to;
  };
  if (filter.contactId && filter.siteId) {
    for (const event of await store.readStream(contactStream(filter.siteId, filter.contactId))) if (matches(event)) yield event;
    return;
  }
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    if (page.length === 0) return;
    for (const event of page) if (matches(event)) yield event;
    after = page[page.length - 1].globalPosition;
  }
}
