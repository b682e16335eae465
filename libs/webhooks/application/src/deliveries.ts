import { isGuid, RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, recordOf } from '@cp/event-store';
import { DeliveryEventRecord, foldDelivery } from '@cp/webhooks-domain';
import { DeliveriesReadModel, toDeliveryView } from './deliveries-read-model';
import { DeliveryWorker } from './delivery-worker';
import { deliveryStream } from './streams';
import { Subscriptions } from './subscriptions';

/** A subscription's deliveries log, and redelivery of one of them. */
export class Deliveries {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: DeliveriesReadModel,
    private readonly subscriptions: Subscriptions,
    private readonly worker: DeliveryWorker,
  ) {}

  async list(context: RequestContext, subscriptionId: string, options: { status?: unknown; limit?: unknown; offset?: unknown }) {
    await this.subscriptions.load(context, subscriptionId);
    return this.readModel.list(context.siteId, subscriptionId, options);
  }

  /** Sends it again, with a fresh retry schedule; one still pending is left as it is. */
  async redeliver(context: RequestContext, subscriptionId: string, deliveryId: string) {
    await this.subscriptions.load(context, subscriptionId);
    if (!isGuid(deliveryId)) throw AppError.invalidField('deliveryId', 'must be a GUID', 'FORMAT');
    const stream = deliveryStream(context.siteId, deliveryId);
    for (let tries = 0; tries < 5; tries++) {
      const stored = await this.store.readStream(stream);
      const state = foldDelivery(stored.map((e) => recordOf<DeliveryEventRecord>(e)));
      if (!state || state.subscriptionId !== subscriptionId) throw AppError.notFound('DELIVERY_NOT_FOUND', `No delivery ${deliveryId} for subscription ${subscriptionId}`);
      if (state.status === 'PENDING') return { delivery: toDeliveryView(state) };
      const occurredAt = new Date().toISOString();
      const requested = { type: 'WebhookDeliveryRedeliveryRequested' as const, data: {} };
      try {
        const appended = await this.store.append(stream, [{ ...requested, metadata: { siteId: context.siteId, occurredAt, correlationId: context.correlationId, actor: context.actor } }], stored[stored.length - 1].revision);
        const next = foldDelivery([...stored.map((e) => recordOf<DeliveryEventRecord>(e)), { ...requested, occurredAt }])!;
        this.worker.offer({ siteId: context.siteId, state: next, revision: appended.revision });
        return { delivery: toDeliveryView(next) };
      } catch (error) {
        if (!(error instanceof Error && error.name === 'WrongExpectedRevisionError')) throw error;
      }
    }
    throw new AppError('UNAVAILABLE', 'CONTENDED', `Too many concurrent changes to delivery ${deliveryId}; retry`);
  }
}
