import { AggregatorRegistry, collectDefaultMetrics, Gauge, Histogram, MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

/** What another thread's registry holds, as `Registry#getMetricsAsJSON` gives it (plain data, for a message port). */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** Seconds: from a fraction of a millisecond (an in-process read) to the 10 s of a request's deadline. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Values read when Prometheus scrapes, from whatever is running then; several under one name add up. */
class Sources<Value> {
  private readonly byName = new Map<string, Set<() => Value>>();

  add(name: string, read: () => Value): () => void {
    const set = this.byName.get(name) ?? new Set();
    set.add(read);
    this.byName.set(name, set);
    return () => {
      set.delete(read);
      if (set.size === 0) this.byName.delete(name);
    };
  }

  entries(): [string, (() => Value)[]][] {
    return [...this.byName].map(([name, set]) => [name, [...set]]);
  }
}

/**
 * The metrics of one process (one registry, scraped at `/metrics`): Node's process metrics
 * (CPU, memory, event-loop lag, GC), HTTP requests by method, route pattern and status (rate,
 * errors and latency from one histogram), event-store appends, Kafka request/reply latency, and
 * gauges read at each scrape: how far each projection, relay and webhook dispatcher is behind
 * its event store's head, and the depth of work queues.
 */
export class ProcessMetrics {
  readonly registry = new Registry();

  /** Every answered HTTP request; `route` is the pattern (`/contacts/v4/contacts/:id`), never the URL: bounded cardinality. */
  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests answered, by method, route pattern and status: their count (rate, errors) and duration.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly eventStoreAppendDuration = new Histogram({
    name: 'event_store_append_duration_seconds',
    help: 'Appends to an event store (one stream or several at once), by store and outcome (ok, conflict: a stale expected revision, error).',
    labelNames: ['store', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly kafkaRequestDuration = new Histogram({
    name: 'kafka_request_duration_seconds',
    help: 'Requests to another service over Kafka until their reply, by target service, pattern and outcome (ok, error: the service answered with an error or the transport failed, timeout).',
    labelNames: ['target', 'pattern', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly lags = new Sources<Promise<number>>();
  private readonly depths = new Sources<number>();
  private readonly peers = new Set<() => Promise<MetricsSnapshot>>();

  /** `processMetrics: false` in a worker thread: CPU, memory and the like are its process's, counted once by the main thread. */
  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const lags = this.lags;
    new Gauge({
      name: 'projection_lag_events',
      help: 'Positions a projection, relay or webhook dispatcher is behind the head of its event store (0: caught up).',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [projection, reads] of lags.entries()) {
          const values = await Promise.all(reads.map((read) => read().catch(() => Number.NaN)));
          this.set({ projection }, values.reduce((sum, value) => sum + value, 0));
        }
      },
    });
    const depths = this.depths;
    new Gauge({
      name: 'queue_depth',
      help: 'Work waiting or under way in a queue of this process (webhook deliveries held, requests being answered).',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [queue, reads] of depths.entries()) this.set({ queue }, reads.reduce((sum, read) => sum + read(), 0));
      },
    });
  }

  /** Reports a projection's lag at each scrape until the returned function is called (when it stops). */
  watchProjectionLag(projection: string, lag: () => Promise<number>): () => void {
    return this.lags.add(projection, lag);
  }

  /** Reports a queue's depth at each scrape until the returned function is called. */
  watchQueueDepth(queue: string, depth: () => number): () => void {
    return this.depths.add(queue, depth);
  }

  /** Times an append: `observe(outcome)` once it is done. */
  timeAppend(store: string): (outcome: 'ok' | 'conflict' | 'error') => void {
    const end = this.eventStoreAppendDuration.startTimer({ store });
    return (outcome) => void end({ outcome });
  }

  /**
   * Adds another thread's metrics to each scrape (the standalone app's webhooks worker): series of
   * both with the same labels add up. A peer that does not answer leaves its series out.
   */
  addPeer(snapshot: () => Promise<MetricsSnapshot>): () => void {
    this.peers.add(snapshot);
    return () => void this.peers.delete(snapshot);
  }

  /** This registry's metrics as plain data, for a thread that scrapes on its behalf. */
  snapshot(): Promise<MetricsSnapshot> {
    return this.registry.getMetricsAsJSON() as Promise<MetricsSnapshot>;
  }

  /** The text Prometheus scrapes, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    if (this.peers.size === 0) return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    const peers = await Promise.all([...this.peers].map((snapshot) => snapshot().catch(() => [])));
    const merged = AggregatorRegistry.aggregate([await this.snapshot(), ...peers]);
    return { contentType: this.registry.contentType, body: await merged.metrics() };
  }
}

let current: ProcessMetrics | undefined;

/** The process's metrics (one registry per process, or per worker thread: each has its own memory). */
export function processMetrics(): ProcessMetrics {
  return (current ??= new ProcessMetrics());
}

/** Makes the thread's metrics those of a worker thread (no process metrics: see ProcessMetrics); call it before anything records. */
export function useWorkerThreadMetrics(): ProcessMetrics {
  if (current) throw new Error('useWorkerThreadMetrics: this thread has metrics already');
  return (current = new ProcessMetrics({ processMetrics: false }));
}
