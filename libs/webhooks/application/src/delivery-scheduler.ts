import { derivedUuid, PublicEvent } from '@cp/contracts';
import { EventStore, isWrongExpectedRevision } from '@cp/event-store';
import { DeliveryTarget, evolveDelivery, SubscriptionState, wants } from '@cp/webhooks-domain';
import { DeliveryWorker } from './delivery-worker';
import { deliveryStream, entityKeyOf } from './streams';

/**
 * Turns "this event goes to this subscription" into a delivery: a stream of its own, created
 * once whoever asks (its id derives from the subscription and the event, and the first event
 * is appended on "no stream"), then handed to the local worker, whichever dispatcher created it.
 */
export class DeliveryScheduler {
  constructor(
    private readonly store: EventStore,
    private readonly worker: DeliveryWorker,
  ) {}

  /** Whether the subscription wants the event at all: its types, and loop suppression. */
  wants(subscription: SubscriptionState, event: PublicEvent): boolean {
    return wants(subscription, event.eventType, event.identity.identityType === 'APP' ? event.identity.appId : undefined);
  }

  async schedule(subscription: SubscriptionState, event: PublicEvent, feedPosition: number, replayId?: string): Promise<void> {
    const target: DeliveryTarget = {
      deliveryId: derivedUuid('webhook-delivery', subscription.id, event.id, replayId ?? ''),
      subscriptionId: subscription.id,
      eventId: event.id,
      eventType: event.eventType,
      entityKey: entityKeyOf(event),
      entityId: event.entityId,
      feedPosition,
      ...(replayId && { replayId }),
    };
    const occurredAt = new Date().toISOString();
    const scheduled = { type: 'WebhookDeliveryScheduled' as const, data: target };
    try {
      const appended = await this.store.append(
        deliveryStream(event.instanceId, target.deliveryId),
        [{ ...scheduled, metadata: { siteId: event.instanceId, occurredAt, actor: { type: 'SYSTEM', id: 'webhooks' } } }],
        'no_stream',
      );
      this.worker.offer({ siteId: event.instanceId, state: evolveDelivery(undefined, { ...scheduled, occurredAt })!, revision: appended.revision, event });
    } catch (error) {
      // Scheduled already: by this dispatcher before a restart, or by a replica sharing the store.
      if (!isWrongExpectedRevision(error)) throw error;
      await this.worker.adopt(event.instanceId, target.deliveryId, event);
    }
  }
}
