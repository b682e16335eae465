import { EventStore, RecordedEvent, Subscription } from '@cp/event-store';
import { ReadStore } from '@cp/read-store';
import { CheckpointStore } from './checkpoint-store';
import { ProjectionCheckpoints } from './projection-checkpoints';

export interface ProjectionLogger {
  error(message: string): void;
  warn(message: string): void;
}

/** What a projection does with one event; must be idempotent, since delivery is at least once. */
export type ProjectionHandler = (event: RecordedEvent) => Promise<void>;

/**
 * Runs a handler over an event store's events in order: from its checkpoint (catch-up), then
 * live. The checkpoint (last global position handled) is kept in the read store the handler
 * feeds, so a crash replays at most the events after it — which the handler must tolerate.
 * Read models, integration-event relays and process managers are all built on this.
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
  ) {
    this.checkpoints = checkpoints ?? new ProjectionCheckpoints(readStore);
  }

  async start(): Promise<void> {
    this.position = await this.checkpoints.load(this.name);
    this.savedPosition = this.position;
    this.headAtStart = await this.events.headPosition();
    this.failure = undefined;
    this.subscription = this.events.subscribeAll((event) => this.handle(event), {
      after: this.position,
      streamPrefixes: this.streamPrefixes,
      onPosition: (position) => this.advance(position),
      onError: (error) => {
        this.failure = error;
        this.logger.error(`${this.name} projection stopped: ${error instanceof Error ? error.stack : String(error)}`);
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
    await this.flushCheckpoint();
  }

  /** Caught up with what was stored when it started, and not failed. */
  get ready(): boolean {
    return this.failure === undefined && this.subscription !== undefined && this.position >= this.headAtStart;
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

  private async handle(event: RecordedEvent): Promise<void> {
    await this.handler(event);
    this.advance(event.globalPosition);
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
    if (this.saveTimer) return;
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
      if (this.position === this.savedPosition) return;
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
