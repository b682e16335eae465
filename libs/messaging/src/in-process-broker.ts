import { SerializedReply } from './serialized-reply';

/**
 * Joins the in-process transport's clients and servers inside one process (standalone mode).
 * Messages are serialized to JSON at the boundary, exactly as they would be on Kafka, so no
 * object is ever shared by reference between the gateway and a service.
 */
export type RequestHandler = (data: unknown) => Promise<unknown>;
export type EventListener = (data: unknown) => Promise<void>;

/** What the in-process transport's servers and clients need: this process's broker, or one reached over a thread's port. */
export interface Broker {
  serve(pattern: string, handler: RequestHandler): void;
  listen(pattern: string, listener: EventListener): void;
  remove(patterns: Iterable<string>): void;
  hasHandler(pattern: string): boolean;
  /** The handler's reply, serialized, as it would come from Kafka. */
  request(pattern: string, data: unknown): Promise<SerializedReply | undefined>;
  /** Resolves once every listener has handled the event (or it is queued for the first listener). */
  publish(pattern: string, data: unknown): Promise<void>;
}

export class InProcessBroker implements Broker {
  private readonly requestHandlers = new Map<string, RequestHandler>();
  private readonly eventListeners = new Map<string, EventListener[]>();
  /** Events published before anyone listens wait here, as they would on a broker's topic. */
  private readonly pending = new Map<string, unknown[]>();

  serve(pattern: string, handler: RequestHandler): void {
    if (this.requestHandlers.has(pattern)) throw new Error(`A handler for ${pattern} is already registered`);
    this.requestHandlers.set(pattern, handler);
  }

  listen(pattern: string, listener: EventListener): void {
    this.eventListeners.set(pattern, [...(this.eventListeners.get(pattern) ?? []), listener]);
    const waiting = this.pending.get(pattern) ?? [];
    this.pending.delete(pattern);
    void (async () => {
      for (const data of waiting) await listener(data);
    })();
  }

  remove(patterns: Iterable<string>): void {
    for (const pattern of patterns) {
      this.requestHandlers.delete(pattern);
      this.eventListeners.delete(pattern);
    }
  }

  hasHandler(pattern: string): boolean {
    return this.requestHandlers.has(pattern);
  }

  /** The handler's reply comes back serialized, as it would from Kafka (see SerializedReply). */
  async request(pattern: string, data: unknown): Promise<SerializedReply | undefined> {
    const handler = this.requestHandlers.get(pattern);
    if (!handler) throw new NoHandlerError(pattern);
    const reply = await handler(roundTrip(data));
    return reply === undefined ? undefined : new SerializedReply(JSON.stringify(reply));
  }

  /** Resolves once every listener has handled the event (or it is queued for the first listener). */
  async publish(pattern: string, data: unknown): Promise<void> {
    const listeners = this.eventListeners.get(pattern) ?? [];
    if (listeners.length === 0) {
      this.pending.set(pattern, [...(this.pending.get(pattern) ?? []), roundTrip(data)]);
      return;
    }
    await Promise.all(listeners.map((listener) => listener(roundTrip(data))));
  }
}

export class NoHandlerError extends Error {
  constructor(readonly pattern: string) {
    super(`No service handles ${pattern}`);
    this.name = 'NoHandlerError';
  }
}

function roundTrip(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
