import { PublicEvent, siteDocumentId } from '@cp/contracts';
import { Decision, EventStore, handleCommand, recordOf } from '@cp/event-store';
import { isAppError } from '@cp/errors';
import { canAttempt, decideAttemptOutcome, DeliveryEvent, DeliveryEventRecord, DeliveryState, evolveDelivery, foldDelivery } from '@cp/webhooks-domain';
import { DeliveriesReadModel, DeliveryDocument } from './deliveries-read-model';
import { deliveryRequest } from './delivery-requests';
import { EventFeed } from './feed';
import { WebhookSigner, WebhooksLogger, WebhooksSettings, WebhookTransport } from './ports';
import { deliveryStream } from './streams';
import { SubscriptionDirectory } from './subscription-directory';

/** A delivery this process works on: its last known state and stream revision. */
export interface DeliveryTask {
  siteId: string;
  state: DeliveryState;
  revision: number;
  /** The event, when the dispatcher had it in hand (otherwise read from the feed). */
  event?: PublicEvent;
  /** Found by the sweep in the read model, which may trail the delivery's stream. */
  fromReadModel?: boolean;
}

type LaneState = 'waiting' | 'ready' | 'busy';

/**
 * Sends deliveries, at least once, in order per entity and subscription, with bounded
 * concurrency per subscription.
 *
 * Each (subscription, entity) has a lane: its pending deliveries in feed order, only the head
 * being attempted; while the head waits for a retry the rest of the lane waits too, other lanes
 * go on. A subscription has at most `concurrencyPerSubscription` attempts in flight, so one slow
 * or dead receiver holds only its own work. Every attempt is recorded in the delivery's stream
 * (a lease before it when workers share the store, the outcome after), so a crash re-sends at
 * most what was in flight.
 *
 * Every worker holds every pending delivery: its first sweep puts storage's pending work in the
 * lanes before it attempts anything, then its dispatcher hands on each delivery it schedules or
 * finds scheduled by another, and later sweeps add what became pending again (a redelivery).
 * A lane's head is therefore its earliest pending delivery, whatever the other workers do, and
 * replicas share work through leases alone: a head another worker has leased waits for that
 * lease to end (by then it is finished, or that worker died and it is attempted here), and the
 * worker goes on with other lanes meanwhile.
 */
export class DeliveryWorker {
  private readonly lanes = new Map<string, DeliveryTask[]>();
  private readonly laneStates = new Map<string, LaneState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly readyBySubscription = new Map<string, string[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly held = new Set<string>();
  private readonly attempts = new Set<Promise<void>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Nothing is attempted before the first sweep has put storage's pending work in the lanes, in feed order. */
  private attempting = false;

  constructor(
    private readonly store: EventStore,
    private readonly feed: EventFeed,
    private readonly directory: SubscriptionDirectory,
    private readonly deliveries: DeliveriesReadModel,
    private readonly signer: WebhookSigner,
    private readonly transport: WebhookTransport,
    private readonly settings: WebhooksSettings,
    private readonly logger: WebhooksLogger,
  ) {}

  /** Starts the periodic sweep (the first one at once). */
  start(): void {
    this.stopped = false;
    this.attempting = false;
    const loop = () => {
      this.sweepTimer = setTimeout(() => void this.sweep().finally(() => !this.stopped && loop()), this.settings.sweepIntervalMs);
      this.sweepTimer.unref();
    };
    void this.sweep()
      .catch((error: unknown) => this.logger.warn(`webhook deliveries: the first sweep failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        if (this.stopped) return;
        if (!this.attempting) this.startAttempting();
        loop();
      });
  }

  private startAttempting(): void {
    this.attempting = true;
    for (const subscription of [...this.readyBySubscription.keys()]) this.pump(subscription);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    await Promise.allSettled([...this.attempts]);
  }

  /** Takes a pending delivery on, in its lane's feed order; one it holds already is left as it is. */
  offer(task: DeliveryTask): void {
    const id = taskId(task);
    if (this.stopped || this.held.has(id) || task.state.status !== 'PENDING') return;
    this.held.add(id);
    const lane = laneOf(task);
    const queue = this.lanes.get(lane) ?? [];
    const at = queue.findIndex((other) => other.state.feedPosition > task.state.feedPosition);
    // The head of a busy lane is being attempted: nothing goes before it.
    const index = at === -1 ? queue.length : this.laneStates.get(lane) === 'busy' ? Math.max(at, 1) : at;
    queue.splice(index, 0, task);
    this.lanes.set(lane, queue);
    if (index === 0 && this.laneStates.get(lane) !== 'busy') this.scheduleHead(lane);
  }

  /**
   * Takes on, as its stream has it, a delivery another dispatcher scheduled first (a replica
   * sharing the store, or this one before a restart), so that this worker holds every pending
   * delivery (see the class comment). A sole worker's first sweep has these already.
   */
  async adopt(siteId: string, deliveryId: string, event: PublicEvent): Promise<void> {
    if (this.settings.soleWorker || this.stopped || this.held.has(siteDocumentId(siteId, deliveryId))) return;
    const stored = await this.store.readStream(deliveryStream(siteId, deliveryId));
    const state = foldDelivery(stored.map((e) => recordOf<DeliveryEventRecord>(e)));
    if (!state || state.status !== 'PENDING') return;
    this.offer({ siteId, state, revision: stored[stored.length - 1].revision, event });
  }

  /** How many deliveries this process holds (for health and tests). */
  get holding(): number {
    return this.held.size;
  }

  /** Pending deliveries in storage this worker does not hold: a restart's leftovers, redeliveries, any it let go of. */
  async sweep(): Promise<void> {
    let after: { feedPosition: number; deliveryId: string } | undefined;
    for (;;) {
      const docs = await this.deliveries.pendingAfter(after, SWEEP_BATCH);
      for (const doc of docs) this.offer({ siteId: doc.siteId, state: stripDocument(doc), revision: doc.revision, fromReadModel: true });
      if (docs.length < SWEEP_BATCH || this.stopped) return;
      const last = docs[docs.length - 1];
      after = { feedPosition: last.feedPosition, deliveryId: last.deliveryId };
    }
  }

  private scheduleHead(lane: string): void {
    const head = this.lanes.get(lane)?.[0];
    clearTimeout(this.timers.get(lane));
    this.timers.delete(lane);
    if (!head) {
      this.lanes.delete(lane);
      this.laneStates.delete(lane);
      return;
    }
    const dueAt = Math.max(Date.parse(head.state.nextAttemptDate ?? '') || 0, leaseOfOthers(head.state, this.settings.workerId));
    const delay = dueAt - Date.now();
    if (delay > 0) {
      this.laneStates.set(lane, 'waiting');
      const timer = setTimeout(() => {
        this.timers.delete(lane);
        this.markReady(lane);
      }, Math.min(delay, MAX_TIMER_MS));
      timer.unref();
      this.timers.set(lane, timer);
      return;
    }
    this.markReady(lane);
  }

  private markReady(lane: string): void {
    if (this.stopped || this.laneStates.get(lane) === 'ready' || this.laneStates.get(lane) === 'busy') return;
    this.laneStates.set(lane, 'ready');
    const subscription = subscriptionOfLane(lane);
    this.readyBySubscription.set(subscription, [...(this.readyBySubscription.get(subscription) ?? []), lane]);
    this.pump(subscription);
  }

  private pump(subscription: string): void {
    if (!this.attempting) return;
    const ready = this.readyBySubscription.get(subscription) ?? [];
    while (!this.stopped && ready.length > 0 && (this.inFlight.get(subscription) ?? 0) < this.settings.concurrencyPerSubscription) {
      const lane = ready.shift()!;
      const head = this.lanes.get(lane)?.[0];
      if (!head) {
        this.laneStates.delete(lane);
        continue;
      }
      this.laneStates.set(lane, 'busy');
      this.inFlight.set(subscription, (this.inFlight.get(subscription) ?? 0) + 1);
      const attempt = this.attempt(head)
        .then((finished) => {
          if (finished) this.release(lane, head);
        })
        .catch((error: unknown) => this.logger.warn(`webhook delivery ${head.state.deliveryId}: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.attempts.delete(attempt);
          this.inFlight.set(subscription, (this.inFlight.get(subscription) ?? 1) - 1);
          this.laneStates.delete(lane);
          this.scheduleHead(lane);
          this.pump(subscription);
        });
      this.attempts.add(attempt);
    }
    if (ready.length === 0) this.readyBySubscription.delete(subscription);
  }

  /** The head is done with here (delivered, failed, or someone else's): the lane moves on. */
  private release(lane: string, task: DeliveryTask): void {
    const queue = this.lanes.get(lane);
    if (queue?.[0] === task) queue.shift();
    this.held.delete(taskId(task));
  }

  /** One attempt of the head; true when the task leaves this worker. A retry keeps it (false). */
  private async attempt(task: DeliveryTask): Promise<boolean> {
    const subscription = this.directory.get(task.siteId, task.state.subscriptionId);
    if (!subscription) return this.record(task, { delivered: false, error: 'subscription deleted', durationMs: 0 }, true);
    if (subscription.status === 'PAUSED') {
      task.state = { ...task.state, nextAttemptDate: new Date(Date.now() + this.settings.sweepIntervalMs).toISOString() };
      return false;
    }
    const lease = await this.takeLease(task);
    // Not due yet (a timer may fire a moment early, a later retry time, another worker's lease): the lane waits for it.
    if (lease === 'not-due') return false;
    if (lease === 'elsewhere') return true;
    // The event as dispatched serves its first attempt; a retry reads it from the feed again, so
    // that one whose contact was erased meanwhile is not sent (the feed reads it as redacted).
    const event = (task.state.roundAttempts === 0 ? task.event : undefined) ?? (await this.feed.at(task.state.feedPosition));
    if (!event) return this.record(task, { delivered: false, error: 'event no longer in the feed', durationMs: 0 }, true);
    const now = new Date();
    const result = await this.transport.send(await deliveryRequest(this.signer, subscription, event, now));
    return this.record(task, result, false);
  }

  /**
   * Appends the lease through the command handler, from the state this worker knows (only the
   * events after its revision are read); if another worker got in first, it decides again on
   * what that one wrote. `elsewhere`: finished; `not-due`: pending but not yet, for a retry's
   * time or another worker's lease, which the lane waits out (that worker delivers it, or died
   * and it is attempted here).
   */
  private async takeLease(task: DeliveryTask): Promise<'taken' | 'not-due' | 'elsewhere'> {
    if (this.settings.soleWorker) return this.checkCurrent(task);
    let now = new Date();
    try {
      const { result, revision } = await handleCommand(
        this.store,
        deliveryStream(task.siteId, task.state.deliveryId),
        (events, from) => events.map((e) => recordOf<DeliveryEventRecord>(e)).reduce<DeliveryState | undefined>(evolveDelivery, from)!,
        (state): Decision<{ state: DeliveryState; lease: 'taken' | 'not-due' | 'elsewhere' }> => {
          now = new Date();
          if (!canAttempt(state, this.settings.workerId, now)) return { events: [], result: { state, lease: notAttemptable(state) } };
          const leaseUntil = new Date(now.getTime() + this.settings.timeoutMs + LEASE_MARGIN_MS).toISOString();
          const event: DeliveryEvent = { type: 'WebhookDeliveryAttemptStarted', data: { attempt: state.attempts + 1, worker: this.settings.workerId, leaseUntil } };
          return { events: [event], result: { state: evolveDelivery(state, { ...event, occurredAt: now.toISOString() })!, lease: 'taken' as const } };
        },
        { metadata: () => ({ siteId: task.siteId, occurredAt: now.toISOString(), actor: { type: 'SYSTEM', id: 'webhooks' } }), subject: `webhook delivery ${task.state.deliveryId}`, known: { state: task.state, revision: task.revision } },
      );
      task.state = result.state;
      task.revision = revision;
      return result.lease;
    } catch (error) {
      // Lost the race every time: other workers are at it. The lane tries again in a moment (a lease of theirs is then seen and waited out).
      if (isAppError(error) && error.code === 'CONTENDED') {
        task.state = { ...task.state, nextAttemptDate: new Date(Date.now() + CONTENDED_RETRY_MS).toISOString() };
        return 'not-due';
      }
      throw error;
    }
  }

  /**
   * A sole worker takes no lease (nobody else could attempt it): it need only know the delivery
   * as its stream has it. What it wrote itself it knows; what the sweep found is read again.
   */
  private async checkCurrent(task: DeliveryTask): Promise<'taken' | 'not-due' | 'elsewhere'> {
    if (task.fromReadModel) {
      await this.reload(task);
      task.fromReadModel = false;
    }
    const now = new Date();
    return canAttempt(task.state, this.settings.workerId, now) ? 'taken' : notAttemptable(task.state);
  }

  /** Records an attempt's outcome; true when the delivery is finished (delivered or failed). */
  private async record(task: DeliveryTask, result: { delivered: boolean; statusCode?: number; error?: string; durationMs: number }, final: boolean): Promise<boolean> {
    const outcome = decideAttemptOutcome(task.state, result, final ? [] : this.settings.retryScheduleMs, this.settings.workerId, new Date(), LEASE_MARGIN_MS + this.settings.sweepIntervalMs);
    // The outcome happened whatever else was written meanwhile (a redelivery request): no revision check.
    await this.append(task, outcome, 'any');
    if (outcome.data.outcome === 'RETRYING') return false;
    if (outcome.data.outcome === 'FAILED') this.logger.warn(`webhook delivery ${task.state.deliveryId} to subscription ${task.state.subscriptionId} failed after ${outcome.data.attempt} attempts: ${result.error ?? `HTTP ${result.statusCode}`}`);
    return true;
  }

  private async append(task: DeliveryTask, event: DeliveryEvent, expected: number | 'any'): Promise<void> {
    const occurredAt = new Date().toISOString();
    const appended = await this.store.append(
      deliveryStream(task.siteId, task.state.deliveryId),
      [{ type: event.type, data: event.data, metadata: { siteId: task.siteId, occurredAt, actor: { type: 'SYSTEM', id: 'webhooks' } } }],
      expected,
    );
    task.state = evolveDelivery(task.state, { type: event.type, data: event.data, occurredAt })!;
    task.revision = appended.revision;
  }

  private async reload(task: DeliveryTask): Promise<void> {
    const stored = await this.store.readStream(deliveryStream(task.siteId, task.state.deliveryId));
    const state = foldDelivery(stored.map((e) => recordOf<DeliveryEventRecord>(e)));
    if (state) task.state = state;
    task.revision = stored[stored.length - 1]?.revision ?? task.revision;
  }
}

const SWEEP_BATCH = 500;
/** How long a lane waits after losing every race for a lease before it reads the delivery again. */
const CONTENDED_RETRY_MS = 100;
/** How long past its timeout an attempt's lease holds: a worker that died mid-attempt frees it then. */
const LEASE_MARGIN_MS = 2_000;
/** setTimeout's ceiling is ~24.8 days; a longer wait is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The delivery's state in a read-model document, without the document's own fields. */
function stripDocument(doc: DeliveryDocument): DeliveryState {
  const { _id: _ignored, siteId: _site, revision: _revision, ...state } = doc;
  return state;
}

function taskId(task: DeliveryTask): string {
  return siteDocumentId(task.siteId, task.state.deliveryId);
}

function laneOf(task: DeliveryTask): string {
  return `${siteDocumentId(task.siteId, task.state.subscriptionId)}|${task.state.entityKey}`;
}

function subscriptionOfLane(lane: string): string {
  return lane.slice(0, lane.indexOf('|'));
}

/** A pending delivery waits (for its retry time, or for another worker's lease to end); a finished one leaves. */
function notAttemptable(state: DeliveryState): 'not-due' | 'elsewhere' {
  return state.status === 'PENDING' ? 'not-due' : 'elsewhere';
}

function leaseOfOthers(state: DeliveryState, worker: string): number {
  return state.lease && state.lease.worker !== worker ? Date.parse(state.lease.until) : 0;
}
