import { PublicEvent } from '@cp/contracts';
import { SubscriptionState } from '@cp/webhooks-domain';
import { WebhookSigner } from './ports';

/** The POST for one event to one subscription, in the subscription's format. */
export async function deliveryRequest(signer: WebhookSigner, subscription: SubscriptionState, event: PublicEvent, now: Date) {
  if (subscription.format === 'STANDARD_WEBHOOKS') {
    const body = JSON.stringify({ type: event.eventType, timestamp: now.toISOString(), data: event });
    // webhook-id is the event's id, the same on every retry, as the spec asks for idempotency.
    const headers = signer.standardWebhookHeaders(subscription.secret ?? '', event.id, now, body);
    return { url: subscription.url, body, headers: { ...headers, 'content-type': 'application/json' } };
  }
  const body = await signer.signWixJwt(event);
  return { url: subscription.url, body, headers: { 'content-type': 'text/plain' } };
}
