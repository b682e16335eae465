import { AppendResult, EventStore, inStreamPrefixes, RecordedEvent, Subscription } from '@cp/event-store';
import { processMetrics } from '@cp/observability';
import { ReadStore } from '@cp/read-store';
import { CheckpointStore } from './checkpoint-store';
import { HeldLease, ReadStoreLeases } from './leases';
import { ProjectionCheckpoints } from './projection-checkpoints';

export interface ProjectionLogger {
  error(message: string): void;
  warn(message: string): void;
}

/**
 * What a pipelined handler returns: the event is handed on, so the next one may start, and it is
 * done once `settled` resolves. The checkpoint never passes an event that has not settled.
 */
export interface Settlement {
  settled: Promise<void>;
}

/**
 * What a projection does with one event; must be idempotent, since delivery is at least once.
 * It is done when its promise resolves, or, if that gives a Settlement, when the settlement does.
 */
export type ProjectionHandler = (event: RecordedEvent) => Promise<void | Settlement>;

/**
 * Runs a handler over an event store's events in order: from its checkpoint (catch-up), then
 * live. The checkpoint (last global position handled) is kept in the read store the handler
 * feeds, so a crash replays at most the events after it — which the handler must tolerate.
 * Read models, integration-event relays and process managers are all built on this.
 *
 * Replicas of a service share the read store, and the subscription runs on one of them at a
 * time: the one holding the projection's lease (leases.ts, in the same read store). The others
 * stand by: they follow the shared checkpoint (so `waitFor` and `ready` answer for the read model
 * they all read), still apply their own commands' events inline (applyCommitted: the handlers'
 * writes are conditional, so they never undo a newer write of the active replica), and try the
 * lease every second; when its holder dies, one of them takes over from the checkpoint within
 * LEASE_TTL_MS. A holder that loses its lease (it froze past the lease's expiry) stands by.
 */
export class CheckpointedProjection {
  private readonly checkpoints: CheckpointStore;
  private subscription: Subscription | undefined;
  private position = 0;
  private headAtStart = 0;
  private failure: unknown;
  private waiters: { position: number; resolve: () => void }[] = [];
  private savedPosition = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** Handed-on events not yet all settled, oldest first: the checkpoint stays below the first. */
  private unsettled: { position: number; done: boolean }[] = [];
  private readonly settling = new Set<Promise<void>>();
  /** The furthest position seen, handled or not yet settled. */
  private observed = 0;
  /** Events applied inline (see applyCommitted) that the subscription has not reached yet: it passes over them. */
  private readonly appliedInline = new Set<number>();
  /** The inline applications and the subscription's handler take turns: one event at a time touches the read model. */
  private turn: Promise<unknown> = Promise.resolve();
  /** Stops reporting this projection's lag (`projection_lag_events`) once it stops. */
  private unwatchLag: (() => void) | undefined;
  /** Active: runs the subscription and owns the checkpoint. Standby: another replica holds the lease. */
  private role: 'stopped' | 'active' | 'standby' = 'stopped';
  private readonly lease: HeldLease;
  private standbyTimer: NodeJS.Timeout | undefined;
  private standbyTicks = 0;
  private standbyBusy = false;

  constructor(
    readonly name: string,
    private readonly events: EventStore,
    readStore: ReadStore,
    private readonly handler: ProjectionHandler,
    private readonly logger: ProjectionLogger,
    /** The stream-name prefixes the handler acts on; the store leaves out the rest (see SubscribeOptions). */
    private readonly streamPrefixes?: readonly string[],
    /** Where the checkpoint is kept; by default beside the read model, in the read store. */
    checkpoints?: CheckpointStore,
    /**
     * `every`: runs on every replica, no lease, for a handler whose in-memory state each replica
     * needs and whose writes are idempotent across replicas (the webhooks dispatcher's directory).
     */
    replicas: 'one' | 'every' = 'one',
  ) {
    this.checkpoints = checkpoints ?? new ProjectionCheckpoints(readStore);
    this.lease = new HeldLease(replicas === 'every' ? NO_LEASE : new ReadStoreLeases(readStore), `projection:${name}`, { onLost: () => void this.standDown() });
  }

  async start(): Promise<void> {
    this.position = await this.checkpoints.load(this.name);
    this.savedPosition = this.position;
    this.observed = this.position;
    this.unsettled = [];
    this.appliedInline.clear();
    this.headAtStart = await this.events.headPosition();
    this.failure = undefined;
    if (await this.lease.tryAcquire()) await this.activate();
    else this.standBy();
    this.unwatchLag?.();
    this.unwatchLag = processMetrics().watchProjectionLag(this.name, async () => Math.max(0, (await this.events.headPosition()) - this.position));
  }

  async stop(): Promise<void> {
    this.unwatchLag?.();
    this.unwatchLag = undefined;
    clearInterval(this.standbyTimer);
    this.standbyTimer = undefined;
    await this.subscription?.close();
    this.subscription = undefined;
    await Promise.allSettled([...this.settling]);
    if (this.role === 'active') await this.flushCheckpoint();
    this.role = 'stopped';
    await this.lease.release().catch((error: unknown) => this.logger.warn(`${this.name}: releasing its lease failed (it expires on its own): ${String(error)}`));
  }

  /** Caught up with what was stored when it started, and not failed: by its own subscription, or, standing by, by the active replica's. */
  get ready(): boolean {
    const running = this.role === 'standby' || (this.role === 'active' && this.subscription !== undefined);
    return this.failure === undefined && running && this.position >= this.headAtStart;
  }

  /** Whether this replica runs the subscription (`active`) or follows another's (`standby`). */
  get activity(): 'stopped' | 'active' | 'standby' {
    return this.role;
  }

  get processedPosition(): number {
    return this.position;
  }

  /** Resolves once `position` has been handled, or after the timeout (callers then read what is there). */
  waitFor(position: number, timeoutMs = 5_000): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { position, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs).unref();
    });
  }

  /** Resolves once everything stored when it started has been handled. */
  waitUntilCaughtUp(timeoutMs = 60_000): Promise<void> {
    return this.waitFor(this.headAtStart, timeoutMs);
  }

  /**
   * Resolves once caught up with what was stored when it started, however long that takes (a
   * rebuild from zero), saying every `reportEveryMs` how far it is; rejects if it fails. A
   * service awaits this before it serves: a read model half rebuilt answers queries with
   * contacts missing, and lets a create through that duplicates an email it does not show yet.
   */
  async caughtUp(report: (message: string) => void, reportEveryMs = 10_000): Promise<void> {
    while (!this.ready) {
      if (this.failure !== undefined) throw this.failure;
      if (this.role === 'stopped') throw new Error(`${this.name}: not started`);
      await this.waitUntilCaughtUp(reportEveryMs);
      if (!this.ready && this.failure === undefined) report(`${this.name}: catching up, at ${this.position} of ${this.headAtStart}`);
    }
  }

  /**
   * Applies events its own process has just committed, before the subscription delivers them, so
   * that the command that wrote them reads its writes without waiting for a poll. `apply` is the
   * projection's in-order check and write: it returns false when an event does not follow what
   * the read model has (another writer's event to the same entity is not projected yet), and this
   * then stops, leaving the rest to the subscription. Resolves to whether every event is now
   * shown. The checkpoint does not move: it stays the subscription's, which passes over the events
   * applied here, so a restart still replays from a position where everything before is handled.
   */
  applyCommitted(events: readonly RecordedEvent[], apply: (event: RecordedEvent) => Promise<boolean>): Promise<boolean> {
    return this.inTurn(async () => {
      if (this.failure !== undefined || this.role === 'stopped') return false;
      for (const event of events) {
        if (!this.covers(event.streamId)) continue; // never delivered here, so not this projection's business
        if (event.globalPosition <= this.observed || this.appliedInline.has(event.globalPosition)) continue; // handled already
        if (!(await apply(event))) return false;
        this.appliedInline.add(event.globalPosition);
      }
      return true;
    });
  }

  /**
   * Returns once the read model shows what its own process appended: applied here and now (see
   * applyCommitted) where the store returned the events and they follow what the read model has,
   * else after a bounded wait for the subscription to get there.
   */
  async showCommitted(appended: readonly AppendResult[], apply: (event: RecordedEvent) => Promise<boolean>): Promise<void> {
    const complete = appended.every((result) => result.recorded !== undefined);
    // The events are committed whatever happens here: a failure to apply them is the subscription's to retry, not the command's.
    const applied = complete && (await this.applyCommitted(appended.flatMap((result) => result.recorded!), apply).catch((error: unknown) => {
      this.logger.warn(`${this.name}: applying committed events inline failed, waiting for the subscription: ${String(error)}`);
      return false;
    }));
    if (applied) return;
    const last = Math.max(0, ...appended.map((result) => result.position));
    if (last > 0) await this.waitFor(last);
  }

  /** Holds the lease: from the shared checkpoint (a standby's may be a moment old), the subscription runs here. */
  private async activate(): Promise<void> {
    this.follow(await this.checkpoints.load(this.name));
    this.savedPosition = this.position;
    this.observed = Math.max(this.observed, this.position);
    this.role = 'active';
    this.subscription = this.events.subscribeAll((event) => this.handle(event), {
      after: this.position,
      streamPrefixes: this.streamPrefixes,
      onPosition: (position) => this.observe(position),
      onError: (error) => this.fail(error),
    });
  }

  /** Another replica holds the lease: follow its checkpoint, and try the lease every LEASE_RETRY_MS. */
  private standBy(): void {
    this.role = 'standby';
    this.standbyTicks = 0;
    this.standbyTimer = setInterval(() => void this.standbyTick(), STANDBY_POLL_MS);
    this.standbyTimer.unref();
  }

  private async standbyTick(): Promise<void> {
    if (this.standbyBusy || this.role !== 'standby') return;
    this.standbyBusy = true;
    const tick = this.standbyTicks++;
    try {
      // Often while someone waits for a position or it is not caught up yet, else once a lease try.
      const tryLease = tick % (LEASE_RETRY_MS / STANDBY_POLL_MS) === 0;
      if (tryLease || this.waiters.length > 0 || this.position < this.headAtStart) this.follow(await this.checkpoints.load(this.name));
      if (tryLease && this.role === 'standby' && (await this.lease.tryAcquire())) {
        if (this.role !== 'standby') return void (await this.lease.release()); // stopped meanwhile
        clearInterval(this.standbyTimer);
        this.standbyTimer = undefined;
        this.logger.warn(`${this.name}: took over the projection from another replica, at position ${this.position}`);
        await this.activate();
      }
    } catch (error) {
      this.logger.warn(`${this.name}: standing by, could not read the shared checkpoint or lease: ${String(error)}`);
    } finally {
      this.standbyBusy = false;
    }
  }

  /** The lease went to another replica (this one froze past its expiry): stop the subscription and stand by. */
  private async standDown(): Promise<void> {
    if (this.role !== 'active') return;
    this.logger.warn(`${this.name}: lost its lease to another replica; standing by`);
    this.role = 'standby';
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
    await Promise.allSettled([...this.settling]);
    this.unsettled = [];
    if (this.role === 'standby' && this.standbyTimer === undefined) this.standBy();
  }

  /** Standing by: the active replica has handled everything up to `position`; inline applications before it are passed. */
  private follow(position: number): void {
    if (position <= this.position) return;
    for (const applied of this.appliedInline) if (applied <= position) this.appliedInline.delete(applied);
    this.observed = Math.max(this.observed, position);
    this.advance(position);
  }

  private covers(streamId: string): boolean {
    return inStreamPrefixes(streamId, this.streamPrefixes);
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async handle(event: RecordedEvent): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    // Asked in the turn: an inline application may be under way for this very event.
    const outcome = await this.inTurn(async () => (this.appliedInline.delete(event.globalPosition) ? undefined : this.handler(event)));
    if (!outcome) return this.observe(event.globalPosition);
    const entry = { position: event.globalPosition, done: false };
    this.unsettled.push(entry);
    const settled = outcome.settled.then(
      () => {
        entry.done = true;
        this.observe(entry.position);
      },
      (error: unknown) => this.fail(error),
    );
    this.settling.add(settled);
    void settled.finally(() => this.settling.delete(settled));
  }

  /** Everything up to `position` has been seen: advance as far as every handed-on event before it has settled. */
  private observe(position: number): void {
    if (this.failure !== undefined) return;
    this.observed = Math.max(this.observed, position);
    while (this.unsettled[0]?.done) this.unsettled.shift();
    this.advance(this.unsettled.length > 0 ? this.unsettled[0].position - 1 : this.observed);
  }

  /** The first failure stops the projection where it is: nothing after the failed event is checkpointed. */
  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.logger.error(`${this.name} projection stopped: ${error instanceof Error ? error.stack : String(error)}`);
    void this.subscription?.close();
  }

  /** Everything up to `position` is handled (or was none of this projection's business). */
  private advance(position: number): void {
    if (position <= this.position) return;
    this.position = position;
    this.scheduleCheckpoint();
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.position <= this.position);
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    due.forEach((w) => w.resolve());
  }

  /**
   * The checkpoint is written at most every CHECKPOINT_INTERVAL_MS, not per event: a crash
   * replays the events since the last one, which handlers absorb (they are idempotent), and a
   * replay of a large store runs at the speed of its handler rather than of checkpoint writes.
   */
  private scheduleCheckpoint(): void {
    if (this.saveTimer || this.role !== 'active') return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.flushCheckpoint();
    }, CHECKPOINT_INTERVAL_MS);
  }

  private flushCheckpoint(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    this.saving = this.saving.then(async () => {
      // Only the active replica moves the checkpoint: one that lost its lease leaves it to the new holder.
      if (this.position === this.savedPosition || this.role !== 'active') return;
      const position = this.position;
      await this.checkpoints.save(this.name, position).then(
        () => (this.savedPosition = position),
        (error: unknown) => this.logger.warn(`${this.name}: saving checkpoint ${position} failed: ${String(error)}`),
      );
    });
    return this.saving;
  }
}

const CHECKPOINT_INTERVAL_MS = 200;
/** Every replica holds it: a projection that runs on each. */
const NO_LEASE = { acquire: async () => true, release: async () => undefined };
/** How often a standby replica reads the shared checkpoint while a caller waits on it. */
const STANDBY_POLL_MS = 100;
/** How often a standby replica tries to take the lease (it succeeds once the holder's has expired). */
const LEASE_RETRY_MS = 1_000;
