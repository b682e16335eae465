import { ContactEventRecord, ContactView, emailAddresses, fold, toContactView } from '@cp/contacts-domain';
import { PagingMetadata, RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, RecordedEvent, recordsOf } from '@cp/event-store';
import { project, resolvePaging, resolveProjection } from '@cp/query';
import { CONTACT_PROJECTION } from './contact-read-model';
import { EmailStatusHistory } from './email-status-history';
import { contactStream } from './streams';

export interface HistoryEntry {
  revision: number;
  eventId: string;
  type: string;
  occurredAt: string;
  actor?: { type: string; id: string };
  correlationId?: string;
  /** API paths the event changed, e.g. `info.company`, `info.labelKeys`. */
  changedFields: string[];
  data: unknown;
}

/**
 * A contact's history, read straight from its stream: every event with its time, actor and the
 * fields it changed; and the contact as it was at a given time (folded up to that time).
 */
export class ContactHistory {
  private readonly statuses: EmailStatusHistory;

  constructor(private readonly store: EventStore) {
    this.statuses = new EmailStatusHistory(store);
  }

  async history(context: RequestContext, payload: { contactId: string; paging?: { limit?: number | string; offset?: number | string } }) {
    const events = await this.events(context, payload.contactId);
    const { limit, offset } = resolvePaging(payload.paging, { limit: 50, max: 1000 });
    const page = events.slice(offset, offset + limit);
    const entries: HistoryEntry[] = page.map((event) => ({
      revision: event.revision + 1,
      eventId: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      ...(event.actor && { actor: event.actor }),
      ...(event.correlationId && { correlationId: event.correlationId }),
      changedFields: changedFields(event),
      data: event.data,
    }));
    const pagingMetadata: PagingMetadata = { count: entries.length, offset, total: events.length, tooManyToCount: false };
    return { events: entries, pagingMetadata };
  }

  async asOf(context: RequestContext, payload: { contactId: string; asOf: string; fieldsets?: string[]; fields?: string[] }): Promise<{ contact: Partial<ContactView>; responseType: string }> {
    const time = Date.parse(payload.asOf);
    if (Number.isNaN(time)) throw AppError.invalidField('asOf', 'must be an ISO-8601 date-time', 'FORMAT');
    const paths = resolveProjection(CONTACT_PROJECTION, payload.fieldsets, payload.fields);
    const events = (await this.events(context, payload.contactId)).filter((event) => Date.parse(event.occurredAt) <= time);
    const state = fold(recordsOf<ContactEventRecord>(events));
    if (!state || state.deleted) throw AppError.notFound('CONTACT_NOT_FOUND', `Contact ${payload.contactId} did not exist at ${payload.asOf}`);
    // With its addresses' subscriptions as they were then.
    const statuses = await this.statuses.at(context.siteId, emailAddresses(state.info), (event) => Date.parse(event.occurredAt) <= time);
    return { contact: project(toContactView(state, statuses), paths), responseType: 'REGULAR' };
  }

  private async events(context: RequestContext, contactId: string): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(contactStream(context.siteId, contactId));
    // An erased contact has no history to show: what it had reads as redacted, and its id is all that is left.
    if (events.length === 0 || events[events.length - 1].type === 'ContactErased') throw AppError.notFound('CONTACT_NOT_FOUND', `No contact with id ${contactId}`);
    return events;
  }
}

function changedFields(event: RecordedEvent): string[] {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'ContactCreated':
    case 'ContactUpdated':
    case 'ContactsMerged':
      return Object.keys((data.info as Record<string, unknown>) ?? {}).map((key) => `info.${key}`);
    case 'ContactLabeled':
    case 'ContactUnlabeled':
      return ['info.labelKeys'];
    case 'ContactExtendedFieldsSet':
      return Object.keys((data.values as Record<string, unknown>) ?? {}).map((key) => `info.extendedFields.${key}`);
    case 'ContactExtendedFieldsRemoved':
      return ((data.keys as string[]) ?? []).map((key) => `info.extendedFields.${key}`);
    default:
      return [];
  }
}
