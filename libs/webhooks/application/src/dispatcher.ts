import { EventStore, RecordedEvent } from '@cp/event-store';
import { CheckpointedProjection, CheckpointStore, ProjectionCheckpoints, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { DeliveryScheduler } from './delivery-scheduler';
import { FeedRecord } from './feed';
import { FEED_PREFIX, SUBSCRIPTION_PREFIX } from './streams';
import { SubscriptionDirectory } from './subscription-directory';

const NAME = 'webhook-dispatcher';

/**
 * Reads the feed and the subscriptions in the store's global order and schedules a delivery
 * for every subscription that wants an event, checkpointed like any projection: a restart
 * resumes where it stopped and schedules nothing twice (a delivery is created once).
 */
export class Dispatcher {
  readonly runner: CheckpointedProjection;
  private readonly checkpoints: CheckpointStore;

  constructor(
    private readonly store: EventStore,
    readStore: ReadStore,
    private readonly directory: SubscriptionDirectory,
    private readonly scheduler: DeliveryScheduler,
    logger: ProjectionLogger,
    checkpoints?: CheckpointStore,
  ) {
    this.checkpoints = checkpoints ?? new ProjectionCheckpoints(readStore);
    // On every replica: its worker reads the subscriptions from this directory, and a delivery scheduled twice is created once.
    this.runner = new CheckpointedProjection(NAME, store, readStore, (event) => this.handle(event), logger, [FEED_PREFIX, SUBSCRIPTION_PREFIX], this.checkpoints, 'every');
  }

  /** The subscriptions as they were at the checkpoint, then the run from there. */
  async start(): Promise<void> {
    const checkpoint = await this.checkpoints.load(NAME);
    for (let after = 0; after < checkpoint; ) {
      const batch = await this.store.readAll({ after, limit: 500, streamPrefixes: [SUBSCRIPTION_PREFIX] });
      if (batch.length === 0) break;
      for (const event of batch) if (event.globalPosition <= checkpoint) this.directory.apply(event);
      after = batch[batch.length - 1].globalPosition;
    }
    await this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  private async handle(event: RecordedEvent): Promise<void> {
    if (event.streamId.startsWith(SUBSCRIPTION_PREFIX)) return this.directory.apply(event);
    if (event.redacted) return; // its contact was erased: nothing to deliver
    const published = (event.data as FeedRecord).event;
    for (const subscription of this.directory.ofSite(event.siteId)) {
      if (this.scheduler.wants(subscription, published)) await this.scheduler.schedule(subscription, published, event.globalPosition);
    }
  }
}
