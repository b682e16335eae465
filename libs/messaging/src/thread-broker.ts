import { isErrorPayload, toErrorPayload } from '@cp/errors';
import { Broker, EventListener, NoHandlerError, RequestHandler } from './in-process-broker';
import { SerializedReply } from './serialized-reply';

/**
 * The in-process broker across a worker thread: a service runs in a worker with a `PortBroker`,
 * and `connectBrokerToPort` makes its handlers and listeners part of the main thread's broker.
 * Messages cross as JSON text, as they do on Kafka and in the in-process broker, so nothing
 * changes for the services but the thread they run on. The standalone app runs the webhooks
 * service this way, so that delivery has a core of its own (docs/architecture.md, "Modes").
 */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

type Message =
  | { t: 'serve' | 'listen'; pattern: string }
  | { t: 'request' | 'publish' | 'call' | 'event'; id: number; pattern: string; data: string | undefined }
  | { t: 'reply'; id: number; json?: string; error?: unknown; noHandler?: string };

/** Calls across the port and their replies, matched by id; both ends use one. */
class PortCalls {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (json: string | undefined) => void; reject: (error: unknown) => void }>();

  constructor(private readonly port: MessagePortLike) {}

  call(t: 'request' | 'publish' | 'call' | 'event', pattern: string, data: unknown): Promise<string | undefined> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.port.postMessage({ t, id, pattern, data: data === undefined ? undefined : JSON.stringify(data) } satisfies Message);
    });
  }

  settle(message: Extract<Message, { t: 'reply' }>): void {
    const pending = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    if (!pending) return;
    if (message.noHandler !== undefined) pending.reject(new NoHandlerError(message.noHandler));
    else if (message.error !== undefined) pending.reject(message.error);
    else pending.resolve(message.json);
  }

  /** Answers a call from the other end with what `work` gives (JSON text), or its error as a plain payload. */
  answer(id: number, work: () => Promise<string | undefined>): void {
    work().then(
      (json) => this.port.postMessage({ t: 'reply', id, json } satisfies Message),
      (error: unknown) =>
        this.port.postMessage(
          (error instanceof NoHandlerError ? { t: 'reply', id, noHandler: error.pattern } : { t: 'reply', id, error: isErrorPayload(error) ? error : toErrorPayload(error) }) satisfies Message,
        ),
    );
  }

  /** Whatever was waiting fails: the other end is gone. */
  failAll(reason: Error): void {
    for (const pending of this.waiting.values()) pending.reject(reason);
    this.waiting.clear();
  }
}

const parsed = (json: string | undefined): unknown => (json === undefined ? undefined : JSON.parse(json));

/**
 * Main-thread side: every pattern the worker serves or listens to becomes a handler or listener
 * of `broker` that calls across the port; the worker's own requests and publishes go to `broker`.
 * Returns a function that fails what is still waiting (call it when the worker exits).
 */
export function connectBrokerToPort(broker: Broker, port: MessagePortLike): (reason: Error) => void {
  const calls = new PortCalls(port);
  const onMessage = (raw: unknown) => {
    const message = raw as Message;
    switch (message.t) {
      case 'serve':
        broker.serve(message.pattern, async (data) => parsed(await calls.call('call', message.pattern, data)));
        break;
      case 'listen':
        broker.listen(message.pattern, async (data) => void (await calls.call('event', message.pattern, data)));
        break;
      case 'request':
        calls.answer(message.id, async () => (await broker.request(message.pattern, parsed(message.data)))?.json);
        break;
      case 'publish':
        calls.answer(message.id, async () => void (await broker.publish(message.pattern, parsed(message.data))));
        break;
      case 'reply':
        calls.settle(message);
        break;
    }
  };
  port.on('message', onMessage);
  return (reason) => {
    port.off('message', onMessage);
    calls.failAll(reason);
  };
}

/** Worker side: a broker whose other services live in the main thread, behind `port`. */
export class PortBroker implements Broker {
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly listeners = new Map<string, EventListener[]>();
  private readonly calls: PortCalls;

  constructor(private readonly port: MessagePortLike) {
    this.calls = new PortCalls(port);
    port.on('message', (raw) => this.onMessage(raw as Message));
  }

  serve(pattern: string, handler: RequestHandler): void {
    if (this.handlers.has(pattern)) throw new Error(`A handler for ${pattern} is already registered`);
    this.handlers.set(pattern, handler);
    this.port.postMessage({ t: 'serve', pattern } satisfies Message);
  }

  listen(pattern: string, listener: EventListener): void {
    const existing = this.listeners.get(pattern) ?? [];
    this.listeners.set(pattern, [...existing, listener]);
    if (existing.length === 0) this.port.postMessage({ t: 'listen', pattern } satisfies Message);
  }

  /** The main thread keeps forwarding to patterns removed here; they answer as having no handler. */
  remove(patterns: Iterable<string>): void {
    for (const pattern of patterns) {
      this.handlers.delete(pattern);
      this.listeners.delete(pattern);
    }
  }

  hasHandler(pattern: string): boolean {
    return this.handlers.has(pattern);
  }

  async request(pattern: string, data: unknown): Promise<SerializedReply | undefined> {
    const json = await this.calls.call('request', pattern, data);
    return json === undefined ? undefined : new SerializedReply(json);
  }

  async publish(pattern: string, data: unknown): Promise<void> {
    await this.calls.call('publish', pattern, data);
  }

  private onMessage(message: Message): void {
    switch (message.t) {
      case 'call': {
        const handler = this.handlers.get(message.pattern);
        this.calls.answer(message.id, async () => {
          if (!handler) throw new NoHandlerError(message.pattern);
          const reply = await handler(parsed(message.data));
          return reply === undefined ? undefined : JSON.stringify(reply);
        });
        break;
      }
      case 'event': {
        const listeners = this.listeners.get(message.pattern) ?? [];
        this.calls.answer(message.id, async () => void (await Promise.all(listeners.map((listener) => listener(parsed(message.data))))));
        break;
      }
      case 'reply':
        this.calls.settle(message);
        break;
    }
  }
}
