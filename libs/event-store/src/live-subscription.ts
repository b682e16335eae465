import { EventHandler, RecordedEvent, SubscribeOptions, Subscription } from './event-store.port';

type ReadPage = (after: number, limit: number) => Promise<RecordedEvent[]>;

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
    try {
      while (!this.closed) {
        const woken = new Promise<void>((resolve) => (this.wake = resolve));
        const page = await this.readPage(position, 500);
        for (const event of page) {
          if (this.closed) return;
          await this.handler(event);
          position = event.globalPosition;
        }
        if (page.length === 0) await woken;
      }
    } catch (error) {
      this.unregister(this);
      this.options.onError?.(error);
    }
  }
}
