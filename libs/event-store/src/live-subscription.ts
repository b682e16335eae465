import { EventHandler, RecordedEvent, SubscribeOptions, Subscription } from './event-store.port';
import { TimeSlice } from './time-slice';

/** A page of events after a position, and the position the read covered (past any events it filtered out). */
export type ReadPage = (after: number, limit: number) => Promise<{ events: RecordedEvent[]; readTo: number }>;

const PAGE_SIZE = 500;
/**
 * After waiting for its turn, a subscription with events to handle may hold the loop for a quarter
 * of that wait (a fifth of the thread): with a fixed 2 ms a turn, the public-event relay fell
 * seconds behind a saturating create load (docs/performance.md, "Webhook lag").
 */
const SHARE_OF_WAIT = 0.25;
/** Appended blocks a subscription keeps while it is busy; past this it drops them and reads instead. */
const MAX_BLOCKS = 1_000;

/**
 * What one transaction of this process appended: every position from `first` to `last` (none
 * missing), so a subscription that has read up to `first - 1` can take them without reading
 * the store. `events` parses them anew for each taker (no event object is shared between
 * readers), keeping only the streams a taker accepts.
 */
export interface AppendedBlock {
  first: number;
  last: number;
  events(after: number, accepts: (streamId: string) => boolean): RecordedEvent[];
}

/** An unfiltered page covers up to its last event. */
export function pageOf(events: RecordedEvent[], after: number): { events: RecordedEvent[]; readTo: number } {
  return { events, readTo: events.length > 0 ? events[events.length - 1].globalPosition : after };
}

/**
 * Catch-up-then-live subscription for the embedded stores: it pages through what is stored,
 * then waits to be woken by the store's appends and pages again. What this process appends the
 * store can also offer as blocks, which the subscription takes without a read while they follow
 * on from its position. One loop delivers strictly in order, so a handler never sees an event
 * twice or out of order.
 */
export class PollingSubscription implements Subscription {
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;
  private blocks: AppendedBlock[] = [];
  /** Something may be stored past what it has read (at the start, after a notify, after a full page). */
  private unread = true;

  constructor(
    private readonly readPage: ReadPage,
    private readonly handler: EventHandler,
    private readonly options: SubscribeOptions,
    private readonly unregister: (subscription: PollingSubscription) => void,
    /** Which streams' events it delivers (for appended blocks; pages are filtered by `readPage`). */
    private readonly accepts: (streamId: string) => boolean = () => true,
  ) {
    this.done = this.run();
  }

  /** The store may hold events this subscription has not read (someone appended): it reads a page. */
  notify(): void {
    this.unread = true;
    this.wake?.();
  }

  /**
   * This process appended a block: taken without a read if it follows what the subscription has
   * read, else dropped once read past. The subscription looks at it when `wakeForOffers` is called.
   */
  offer(block: AppendedBlock): void {
    if (this.blocks.length >= MAX_BLOCKS) {
      this.blocks = []; // far behind: reading pages is cheaper than holding every block
      this.unread = true;
    }
    this.blocks.push(block);
  }

  wakeForOffers(): void {
    this.wake?.();
  }

  /** The appended blocks that continue from `position`, without a gap; those read past already are dropped. */
  private takeBlocks(position: number): { events: RecordedEvent[]; readTo: number } | undefined {
    while (this.blocks.length > 0 && this.blocks[0].last <= position) this.blocks.shift();
    let readTo = position;
    const events: RecordedEvent[] = [];
    // At most about a page at a time, as a read would: a backlog of blocks is parsed in slices too.
    while (this.blocks.length > 0 && this.blocks[0].first <= readTo + 1 && events.length < PAGE_SIZE) {
      const block = this.blocks.shift()!;
      events.push(...block.events(readTo, this.accepts));
      readTo = block.last;
    }
    return readTo > position ? { events, readTo } : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notify();
    this.unregister(this);
    await this.done;
  }

  private async run(): Promise<void> {
    let position = this.options.after ?? 0;
    // A backlog (a bulk job's events, a rebuild at start) is handled in slices between requests;
    // behind a steady stream of writes it takes a share of the turn, so it keeps up under load.
    const slice = new TimeSlice({ shareOfWait: SHARE_OF_WAIT });
    try {
      while (!this.closed) {
        // Set up before looking, so a notify or an offer from here on wakes the wait below.
        const woken = new Promise<void>((resolve) => (this.wake = resolve));
        const taken = this.takeBlocks(position);
        // A block left ahead of the position means a gap: another writer's events in between.
        if (!taken && !this.unread && this.blocks.length === 0) {
          await woken;
          slice.restart();
          continue;
        }
        // Only a page read covers what a notify announced; blocks are this process's own appends.
        if (!taken) this.unread = false;
        const { events, readTo } = taken ?? (await this.readPage(position, PAGE_SIZE));
        for (const event of events) {
          if (this.closed) return;
          await this.handler(event);
          position = event.globalPosition;
          await slice.pause();
        }
        if (readTo > position) {
          position = readTo;
          this.options.onPosition?.(position);
        }
        if (!taken && events.length === PAGE_SIZE) {
          this.unread = true; // a full page: there may be more
          await slice.pause();
        }
      }
    } catch (error) {
      this.unregister(this);
      this.options.onError?.(error);
    }
  }
}

/**
 * Runs `wake` once the code running now is done (a microtask), however many times it is asked
 * for meanwhile: appends made together (one synchronous run of code) wake subscriptions once, in
 * the turn that made them rather than at the end of a busy turn.
 */
export class WakeOnce {
  private pending = false;

  constructor(private readonly wake: () => void) {}

  request(): void {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.wake();
    });
  }
}
