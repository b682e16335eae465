import { EventStore, RecordedEvent, recordOf, TimeSlice } from '@cp/event-store';
import { CheckpointedProjection, CheckpointStore, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { foldSubscription, ReplayRequest, SubscriptionEventRecord } from '@cp/webhooks-domain';
import { DeliveryScheduler } from './delivery-scheduler';
import { feedEventOf } from './feed';
import { siteFeedPrefix, SUBSCRIPTION_PREFIX } from './streams';

/**
 * Carries out replay requests: the site's feed from `fromDate` up to the request is delivered
 * again to the subscription (as new deliveries, marked with the replay's id), in slices so
 * requests keep their turn. Checkpointed: a replay cut short by a crash runs again, and what it
 * scheduled already is not scheduled twice.
 */
export class Replays {
  readonly runner: CheckpointedProjection;

  constructor(
    private readonly store: EventStore,
    readStore: ReadStore,
    private readonly scheduler: DeliveryScheduler,
    logger: ProjectionLogger,
    checkpoints?: CheckpointStore,
  ) {
    this.runner = new CheckpointedProjection('webhook-replays', store, readStore, (event) => this.handle(event), logger, [SUBSCRIPTION_PREFIX], checkpoints);
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  private async handle(request: RecordedEvent): Promise<void> {
    if (request.type !== 'WebhookReplayRequested') return;
    const { replayId, fromDate, wanted } = request.data as ReplayRequest;
    const current = foldSubscription((await this.store.readStream(request.streamId)).map((e) => recordOf<SubscriptionEventRecord>(e)));
    if (!current || current.deleted) return;
    // What it wanted when the replay was asked for: a replay run again after a crash schedules the same.
    const subscription = { ...current, ...wanted };
    const from = Date.parse(fromDate);
    const slice = new TimeSlice();
    for (let after = 0; ; ) {
      const batch = await this.store.readAll({ after, limit: 200, streamPrefixes: [siteFeedPrefix(request.siteId)] });
      for (const stored of batch) {
        if (stored.globalPosition > request.globalPosition) return;
        if (stored.redacted) continue; // its contact was erased: nothing to send
        const event = feedEventOf(stored);
        if (Date.parse(event.eventTime) >= from && this.scheduler.wants(subscription, event)) await this.scheduler.schedule(subscription, event, stored.globalPosition, replayId);
        await slice.pause();
      }
      if (batch.length < 200) return;
      after = batch[batch.length - 1].globalPosition;
    }
  }
}
