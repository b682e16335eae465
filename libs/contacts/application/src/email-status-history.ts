import { emailKey, EmailStatus, EmailStatuses, EmailSubscriptionEventRecord, foldSubscription, statusOf } from '@cp/contacts-domain';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { recordOf } from './stream-decisions';
import { emailSubscriptionId, emailSubscriptionStream } from './streams';

/**
 * The statuses of addresses as they were at some point of the store's history, from the
 * subscription streams: what a contact's view showed then (its as-of view, the public events
 * a relay makes again on a replay). `before` says which events count.
 */
export class EmailStatusHistory {
  constructor(private readonly store: EventStore) {}

  async at(siteId: string, emails: readonly string[], before: (event: RecordedEvent) => boolean): Promise<EmailStatuses> {
    const statuses = new Map<string, EmailStatus>();
    for (const email of new Set(emails.map(emailKey))) {
      const events = await this.store.readStream(emailSubscriptionStream(siteId, emailSubscriptionId(siteId, email)));
      const state = foldSubscription(events.filter(before).map(recordOf<EmailSubscriptionEventRecord>));
      if (state) statuses.set(email, statusOf(state));
    }
    return statuses;
  }
}
