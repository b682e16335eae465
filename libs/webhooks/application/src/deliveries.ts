import { isGuid, RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, handleCommand, recordOf } from '@cp/event-store';
import { DeliveryEventRecord, evolveDelivery, foldDelivery } from '@cp/webhooks-domain';
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
    let occurredAt = new Date().toISOString();
    const { result: state, appended } = await handleCommand(
      this.store,
      deliveryStream(context.siteId, deliveryId),
      (events) => foldDelivery(events.map((e) => recordOf<DeliveryEventRecord>(e))),
      (current) => {
        if (!current || current.subscriptionId !== subscriptionId) throw AppError.notFound('DELIVERY_NOT_FOUND', `No delivery ${deliveryId} for subscription ${subscriptionId}`);
        if (current.status === 'PENDING') return { events: [], result: current };
        occurredAt = new Date().toISOString();
        const requested = { type: 'WebhookDeliveryRedeliveryRequested' as const, data: {} };
        return { events: [requested], result: evolveDelivery(current, { ...requested, occurredAt })! };
      },
      { metadata: () => ({ siteId: context.siteId, occurredAt, correlationId: context.correlationId, actor: context.actor }), subject: `delivery ${deliveryId}` },
    );
    if (appended) this.worker.offer({ siteId: context.siteId, state, revision: appended.revision });
    return { delivery: toDeliveryView(state) };
  }
}
