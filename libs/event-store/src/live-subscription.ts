import { EventHandler, RecordedEvent, SubscribeOptions, Subscription } from './event-store.port';
import { TimeSlice } from './time-slice';

/** A page of events after a position, and the position the read covered (past any events it filtered out). */
export type ReadPage = (after: number, limit: number) => Promise<{ events: RecordedEvent[]; readTo: number }>;

const PAGE_SIZE = 500;

/** An unfiltered page covers up to its last event. */
export function pageOf(events: RecordedEvent[], after: number): { events: RecordedEvent[]; readTo: number } {
  return { events, readTo: events.length > 0 ? events[events.length - 1].globalPosition : after };
}

/**
 * Catch-up-then-live subscription for the embedded stores: it pages through what is stored,
 * then waits to be woken by the store's appends and pages again. One loop delivers strictly
 * in order, so a handler never sees an event twice or out of order.
 */
export class PollingSubscription implements Subscription {
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly readPage: ReadPage,
    private readonly handler: EventHandler,
    private readonly options: SubscribeOptions,
    private readonly unregister: (subscription: PollingSubscription) => void,
  ) {
    this.done = this.run();
  }

  notify(): void {
    this.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notify();
    this.unregister(this);
    await this.done;
  }

  private async run(): Promise<void> {
    let position = this.options.after ?? 0;
    // A backlog (a bulk job's events, a rebuild at start) is handled in slices between requests.
    const slice = new TimeSlice();
    try {
      while (!this.closed) {
        const woken = new Promise<void>((resolve) => (this.wake = resolve));
        const { events, readTo } = await this.readPage(position, PAGE_SIZE);
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
        // A short page read everything there was when it started; `woken` was set up before the
        // read, so an append since then has resolved it already and nothing is missed.
        if (events.length < PAGE_SIZE) await woken;
        else await slice.pause();
      }
    } catch (error) {
      this.unregister(this);
      this.options.onError?.(error);
    }
  }
}
