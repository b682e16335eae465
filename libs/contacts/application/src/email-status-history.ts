import { emailKey, EmailStatus, EmailStatuses, EmailSubscriptionEventRecord, foldSubscription, statusOf } from '@cp/contacts-domain';
import { EventStore, RecordedEvent, recordOf } from '@cp/event-store';
import { emailSubscriptionId, emailSubscriptionStream } from './streams';

/**
 * The statuses of addresses as they were at some point of the store's history, from the
 * subscription streams: what a contact's view showed then (its as-of view, the public events
 * a relay makes again on a replay). `before` says which events count.
 */
export class EmailStatusHistory {
  constructor(private readonly store: EventStore) {}

  async at(siteId: string, emails: readonly string[], before: (event: RecordedEvent) => boolean): Promise<EmailStatuses> {
    const [statuses] = await this.asOf(siteId, emails, [before]);
    return statuses;
  }

  /** The statuses at several points at once, from one read of each address's stream. */
  async asOf(siteId: string, emails: readonly string[], points: readonly ((event: RecordedEvent) => boolean)[]): Promise<EmailStatuses[]> {
    const statuses = points.map(() => new Map<string, EmailStatus>());
    for (const email of new Set(emails.map(emailKey))) {
      const events = await this.store.readStream(emailSubscriptionStream(siteId, emailSubscriptionId(siteId, email)));
      points.forEach((counts, i) => {
        const state = foldSubscription(events.filter(counts).map(recordOf<EmailSubscriptionEventRecord>));
        if (state) statuses[i].set(email, statusOf(state));
      });
    }
    return statuses;
  }
}
