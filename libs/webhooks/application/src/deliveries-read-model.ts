import { siteDocumentId, streamEntityId } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, RecordedEvent, recordOf } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { Document, ReadCollection, ReadStore, replaceIfUnchanged } from '@cp/read-store';
import { DELIVERY_STATUSES, DeliveryEventRecord, DeliveryState, DeliveryStatus, evolveDelivery } from '@cp/webhooks-domain';
import { DELIVERY_PREFIX } from './streams';

/** The version of every document this service's projections write: bump it when one changes (docs/architecture.md, "Versions"). */
export const WEBHOOKS_READ_MODEL_VERSION = 1;

export type DeliveryDocument = Document & DeliveryState & { siteId: string; revision: number };

/** A delivery as the API shows it. */
export interface DeliveryView {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  entityId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  lastAttemptDate?: string;
  nextAttemptDate?: string;
  deliveredDate?: string;
  replayId?: string;
  createdDate: string;
  updatedDate: string;
}

export function toDeliveryView(doc: DeliveryState): DeliveryView {
  return {
    id: doc.deliveryId,
    subscriptionId: doc.subscriptionId,
    eventId: doc.eventId,
    eventType: doc.eventType,
    entityId: doc.entityId,
    status: doc.status,
    attempts: doc.attempts,
    ...(doc.lastStatusCode !== undefined && { lastStatusCode: doc.lastStatusCode }),
    ...(doc.lastError !== undefined && { lastError: doc.lastError }),
    ...(doc.lastAttemptDate && { lastAttemptDate: doc.lastAttemptDate }),
    ...(doc.status === 'PENDING' && doc.nextAttemptDate && { nextAttemptDate: doc.nextAttemptDate }),
    ...(doc.deliveredDate && { deliveredDate: doc.deliveredDate }),
    ...(doc.replayId && { replayId: doc.replayId }),
    createdDate: doc.createdDate,
    updatedDate: doc.updatedDate,
  };
}

export const DELIVERY_PAGING = { defaultLimit: 50, maxLimit: 1000 } as const;

/** One document per delivery: the deliveries log of the API and the pending work the sweep finds. */
export class DeliveriesReadModel {
  readonly collection: ReadCollection<DeliveryDocument>;
  readonly runner: CheckpointedProjection;

  constructor(events: EventStore, readStore: ReadStore, logger: ProjectionLogger) {
    this.collection = readStore.collection<DeliveryDocument>('webhook_deliveries');
    this.runner = new CheckpointedProjection('webhook-deliveries', events, readStore, (event) => this.apply(event), logger, [DELIVERY_PREFIX]);
  }

  async start(): Promise<void> {
    await this.collection.createIndexes([
      { keys: { siteId: 1, subscriptionId: 1, feedPosition: -1 }, name: 'site_subscription_position' },
      { keys: { status: 1, feedPosition: 1, deliveryId: 1 }, name: 'status_position' },
      { keys: { siteId: 1, subscriptionId: 1, entityKey: 1, status: 1, feedPosition: 1 }, name: 'lane_pending' },
    ]);
    await this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  async list(siteId: string, subscriptionId: string, options: { status?: unknown; limit?: unknown; offset?: unknown }) {
    if (options.status !== undefined && !DELIVERY_STATUSES.includes(options.status as DeliveryStatus)) {
      throw AppError.invalidField('status', `must be one of ${DELIVERY_STATUSES.join(', ')}`, 'VALUE');
    }
    const limit = boundedInt(options.limit, 'paging.limit', DELIVERY_PAGING.defaultLimit, 1, DELIVERY_PAGING.maxLimit);
    const offset = boundedInt(options.offset, 'paging.offset', 0, 0, 1_000_000);
    const filter = { siteId, subscriptionId, ...(options.status !== undefined && { status: options.status }) };
    const { docs, total } = await this.collection.findPage(filter, { sort: { feedPosition: -1, createdDate: -1 }, skip: offset, limit, readOnly: true });
    return { deliveries: docs.map(toDeliveryView), pagingMetadata: { count: docs.length, offset, total, tooManyToCount: false } };
  }

  get(siteId: string, deliveryId: string): Promise<DeliveryDocument | null> {
    return this.collection.findOne({ _id: siteDocumentId(siteId, deliveryId) });
  }

  /**
   * Pending deliveries in feed order (one event's deliveries to several subscriptions share a
   * position, so the delivery id breaks ties), after a page's last: what the sweep hands on.
   */
  pendingAfter(after: { feedPosition: number; deliveryId: string } | undefined, limit: number): Promise<DeliveryDocument[]> {
    const from = after
      ? { $or: [{ feedPosition: { $gt: after.feedPosition } }, { feedPosition: after.feedPosition, deliveryId: { $gt: after.deliveryId } }] }
      : {};
    return this.collection.find({ status: 'PENDING', ...from }, { sort: { feedPosition: 1, deliveryId: 1 }, limit });
  }

  /**
   * Replicas sharing the read store project the same events into the same documents: a write
   * goes through only over the revision it read (or as the first), else it reads again, so two
   * projections never fail on each other's insert nor put an older state back.
   */
  private async apply(event: RecordedEvent): Promise<void> {
    const _id = siteDocumentId(event.siteId, streamEntityId(event.streamId));
    for (;;) {
      const existing = await this.collection.findOne({ _id });
      if (existing && existing.revision >= event.revision) return;
      const { _id: _ignored, siteId: _site, revision: _revision, ...state } = existing ?? ({} as DeliveryDocument);
      const next = evolveDelivery(existing ? (state as DeliveryState) : undefined, recordOf<DeliveryEventRecord>(event));
      if (!next) return;
      if (await replaceIfUnchanged(this.collection, existing, { ...next, _id, siteId: event.siteId, revision: event.revision })) return;
    }
  }
}

function boundedInt(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw AppError.invalidField(field, `must be an integer from ${min} to ${max}`, 'VALUE');
  return parsed;
}
