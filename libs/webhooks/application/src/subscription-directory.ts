import { streamEntityId } from '@cp/contracts';
import { RecordedEvent, recordOf } from '@cp/event-store';
import { evolveSubscription, SubscriptionEventRecord, SubscriptionState } from '@cp/webhooks-domain';
import { SUBSCRIPTION_PREFIX } from './streams';

/**
 * Every site's subscriptions, folded in the global order of the store. The dispatcher applies
 * subscription events as it meets them between feed events, so an event goes to exactly the
 * subscriptions that existed when the feed stored it ("from its creation on").
 */
export class SubscriptionDirectory {
  private readonly bySite = new Map<string, Map<string, SubscriptionState>>();

  apply(event: RecordedEvent): void {
    if (!event.streamId.startsWith(SUBSCRIPTION_PREFIX)) return;
    const id = streamEntityId(event.streamId);
    const site = this.bySite.get(event.siteId) ?? new Map<string, SubscriptionState>();
    const next = evolveSubscription(site.get(id), recordOf<SubscriptionEventRecord>(event));
    if (next) site.set(id, next);
    this.bySite.set(event.siteId, site);
  }

  get(siteId: string, id: string): SubscriptionState | undefined {
    const found = this.bySite.get(siteId)?.get(id);
    return found && !found.deleted ? found : undefined;
  }

  /** The site's live subscriptions, oldest first. */
  ofSite(siteId: string): SubscriptionState[] {
    return [...(this.bySite.get(siteId)?.values() ?? [])].filter((s) => !s.deleted).sort((a, b) => a.createdDate.localeCompare(b.createdDate));
  }
}
