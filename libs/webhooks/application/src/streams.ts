import { siteKey, siteStream, streamEntityId } from '@cp/contracts';

/** The webhooks context's streams: its feed (one stream per entity), subscriptions and deliveries. */
export const FEED_PREFIX = 'webhookfeed-';
export const SUBSCRIPTION_PREFIX = 'webhooksubscription-';
export const DELIVERY_PREFIX = 'webhookdelivery-';

/** One entity's public events, in the order its owner made them: `webhookfeed-<siteKey>.<fqdn>:<entityId>`. */
export function feedStream(siteId: string, entityKey: string): string {
  return siteStream(FEED_PREFIX, siteId, entityKey);
}

/** Every feed stream of a site and of no other (the site key ends at the dot). */
export function siteFeedPrefix(siteId: string): string {
  return `${FEED_PREFIX}${siteKey(siteId)}.`;
}

/** Every subscription stream of a site and of no other. */
export function siteSubscriptionPrefix(siteId: string): string {
  return `${SUBSCRIPTION_PREFIX}${siteKey(siteId)}.`;
}

export function subscriptionStream(siteId: string, subscriptionId: string): string {
  return siteStream(SUBSCRIPTION_PREFIX, siteId, subscriptionId);
}

export function deliveryStream(siteId: string, deliveryId: string): string {
  return siteStream(DELIVERY_PREFIX, siteId, deliveryId);
}

/** The `<fqdn>:<entityId>` a feed stream is named by. */
export function streamEntityKey(streamId: string): string {
  return streamEntityId(streamId);
}

export function entityKeyOf(event: { entityFqdn: string; entityId: string }): string {
  return `${event.entityFqdn}:${event.entityId}`;
}
