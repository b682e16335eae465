import { Client, ClientConfig } from 'pg';

/** How long a lost listener waits before it connects again, doubling up to the most. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MOST_MS = 5_000;
/** While not listening, subscribers look for new commits this often instead. */
const POLL_MS = 250;

/**
 * Tells a store of the commits to its table by other connections: LISTEN on a connection of its
 * own (a pooled one would hand the session to other queries). While that connection is down (the
 * server restarted, the network dropped) it polls instead, calling `onCommit` every POLL_MS, and
 * connects again with a growing delay; once listening again it calls `onCommit` once more, for
 * whatever committed in between. `onCommit` gets the notification's payload (none when polling).
 */
export class CommitListener {
  /** Settles after the first attempt, listening or polling: a subscriber that reads after it misses no commit. */
  readonly ready: Promise<void>;
  private listening: Client | undefined;
  private closed = false;
  private poller: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private delay = RECONNECT_FIRST_MS;

  constructor(
    private readonly config: ClientConfig,
    private readonly channelSql: string,
    private readonly onCommit: (payload: string | undefined) => void,
  ) {
    this.ready = this.attempt();
  }

  get isListening(): boolean {
    return this.listening !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.stopPolling();
    const client = this.listening;
    this.listening = undefined;
    await client?.end().catch(() => undefined);
  }

  private async attempt(): Promise<void> {
    const client = new Client(this.config);
    let lost = false;
    const lose = () => {
      if (lost) return;
      lost = true;
      if (this.listening === client) this.listening = undefined;
      if (this.closed) return;
      client.end().catch(() => undefined);
      this.startPolling();
      this.retry = setTimeout(() => void this.attempt(), this.delay);
      this.retry.unref();
      this.delay = Math.min(this.delay * 2, RECONNECT_MOST_MS);
    };
    client.on('notification', ({ payload }) => this.onCommit(payload));
    client.on('error', lose);
    client.on('end', lose);
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channelSql}`);
    } catch {
      lose();
      return;
    }
    if (this.closed || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listening = client;
    this.delay = RECONNECT_FIRST_MS;
    this.stopPolling();
    this.onCommit(undefined);
  }

  private startPolling(): void {
    if (this.poller) return;
    this.poller = setInterval(() => this.onCommit(undefined), POLL_MS);
    this.poller.unref();
  }

  private stopPolling(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }
}
