import { Logger } from '@nestjs/common';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { ClientKafka, CustomStrategy, KafkaHeaders, ServerKafka } from '@nestjs/microservices';
import { Consumer, EachMessagePayload, Kafka, logCreator, logLevel } from 'kafkajs';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { ContactsPatterns, ExtendedFieldsPatterns, LabelsPatterns, PublicEventTopics, Topics, WebhooksPatterns } from '@cp/contracts';
import { RequestSender, ServiceClient } from '@cp/messaging';
import { processMetrics } from '@cp/observability';
import { defer, Observable, tap } from 'rxjs';
import { EnvValues, hostPortList, optionalText, positiveInt } from '@cp/config';

export interface KafkaConfig {
  brokers: string[];
  /** Distinguishes replicas: each one reads every reply and keeps its own. */
  instanceId: string;
  requestTimeoutMs: number;
  /** Partitions of every topic: the most replicas of one service that share its requests. */
  partitions: number;
}

export const kafkaVariables = {
  KAFKA_BROKERS: hostPortList({ description: 'Kafka bootstrap servers, comma-separated.', example: 'kafka:9092' }),
  INSTANCE_ID: optionalText({ description: "names this replica: its reply consumer group, and a webhooks replica in its delivery leases.", unset: 'the host name and the process id' }),
  REQUEST_TIMEOUT_MS: positiveInt(10_000, { description: 'deadline of a request to another service; past it the caller gets a 503 (a create is first sent once more, so it may take twice as long).' }),
  KAFKA_PARTITIONS: positiveInt(2, {
    description:
      'partitions of every request and event topic, at least: the most replicas of one service that get work (reply topics keep one). Each partition costs every fetch of its consumers, so set it to the replicas you run, not more. Existing topics with fewer are grown; none is ever shrunk.',
  }),
};

export function kafkaSettings(values: EnvValues<typeof kafkaVariables>): KafkaConfig {
  return { brokers: values.KAFKA_BROKERS, instanceId: values.INSTANCE_ID ?? `${hostname()}-${process.pid}`, requestTimeoutMs: values.REQUEST_TIMEOUT_MS, partitions: values.KAFKA_PARTITIONS };
}

/**
 * kafkajs's own log entries (a broker gone, a rebalance) as entries of the process's log, their
 * fields kept as fields (`kafka`), rather than Nest's one string per entry.
 */
const kafkaLog = new Logger('kafkajs');
export const kafkaLogCreator: logCreator = () => ({ namespace, level, log }) => {
  const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
  const entry = { msg: message, kafka: { namespace, ...fields } };
  if (level === logLevel.ERROR || level === logLevel.NOTHING) kafkaLog.error(entry);
  else if (level === logLevel.WARN) kafkaLog.warn(entry);
  else if (level === logLevel.INFO) kafkaLog.log(entry);
  else kafkaLog.debug(entry);
};

const clientLogging = { logLevel: logLevel.WARN, logCreator: kafkaLogCreator };

const requestTopics = (): string[] => [...Object.values(ContactsPatterns), ...Object.values(LabelsPatterns), ...Object.values(ExtendedFieldsPatterns), ...Object.values(WebhooksPatterns)];

/** The topics whose partitions a service's replicas share: requests, integration events and public events. */
export function sharedTopics(): string[] {
  return [...requestTopics(), ...Object.values(Topics), ...Object.values(PublicEventTopics)];
}

/**
 * The reply topics: one partition each. Every caller reads them in a consumer group of its own
 * (all partitions, whatever their number), so more partitions would only add to what each of its
 * fetches asks the broker about, which on a small broker costs more than the requests themselves.
 */
export function replyTopics(): string[] {
  return requestTopics().map((pattern) => `${pattern}.reply`);
}


/**
 * Creates the topics up front (idempotent): consumers that join before a topic exists are not
 * assigned its partitions, which is the usual cause of "not assigned to any partitions". A topic
 * with fewer partitions than configured is grown (Kafka cannot shrink one): a keyed message may
 * then land on another partition than its key's earlier ones, which is harmless here, since
 * consumers order by revision, not by offset, across a change of partitions.
 */
export async function ensureTopics(
  config: Pick<KafkaConfig, 'brokers' | 'partitions'>,
  topics: { shared: readonly string[]; replies: readonly string[] } = { shared: sharedTopics(), replies: replyTopics() },
): Promise<void> {
  const admin = new Kafka({ clientId: 'topic-setup', brokers: config.brokers, ...clientLogging }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const partitionsOf = new Map([...topics.shared.map((topic) => [topic, config.partitions] as const), ...topics.replies.map((topic) => [topic, 1] as const)]);
    const missing = [...partitionsOf].filter(([topic]) => !existing.has(topic));
    if (missing.length > 0) {
      await admin
        .createTopics({ waitForLeaders: true, topics: missing.map(([topic, numPartitions]) => ({ topic, numPartitions, replicationFactor: -1 })) })
        .catch(unlessAlreadyThere);
    }
    const metadata = await admin.fetchTopicMetadata({ topics: [...topics.shared] });
    const short = metadata.topics.filter((topic) => topic.partitions.length < config.partitions);
    if (short.length > 0) {
      await admin.createPartitions({ topicPartitions: short.map(({ name }) => ({ topic: name, count: config.partitions })) }).catch(unlessAlreadyThere);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Replicas starting together race to create the same topics and partitions: the loser finds them made. */
function unlessAlreadyThere(error: unknown): void {
  const causes = [error, ...((error as { errors?: unknown[] }).errors ?? [])].map((cause) => (cause as { type?: string }).type);
  if (!causes.some((type) => type === 'TOPIC_ALREADY_EXISTS' || type === 'INVALID_PARTITIONS')) throw error;
}

/** The Nest Kafka transport for a service: two consumer groups per service (events, requests), shared by its replicas. */
export function kafkaServerOptions(service: string, config: KafkaConfig, fromBeginning = false): CustomStrategy & { strategy: ConcurrentRequestsServerKafka } {
  return {
    strategy: new ConcurrentRequestsServerKafka({
      client: { clientId: service, brokers: config.brokers, ...clientLogging },
      // A replica that dies holds its partitions until its session times out: keep that short.
      // An idle fetch waits up to maxWaitTimeInMs, and a member sees a rebalance (a replica joining
      // or leaving) or a stop only once its fetch under way returns: 1 s, not kafkajs's 5 s.
      consumer: { groupId: service, allowAutoTopicCreation: false, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 1_000 },
      // Where a new consumer group starts; once it has committed offsets it resumes from them.
      subscribe: { fromBeginning },
      // Events one at a time, in order, across all of this replica's partitions: kafkajs's
      // partitionsConsumedConcurrently above 1 halved the whole stack's throughput on 2 cores
      // (docs/performance.md, "Replicas and partitions"); requests have a consumer of their own.
      producer: { allowAutoTopicCreation: false },
    }),
  };
}

/** Requests a process answers at once; past it, reading waits for one to finish. */
const MAX_CONCURRENT_REQUESTS = 256;

type ConsumerState = { ready: boolean; detail?: string };

/**
 * Nest's Kafka server with two consumers instead of one: events and requests are read apart.
 *
 * kafkajs fetches again only when all of a fetch's batches are handled, so with one consumer a
 * replica catching up on a backlog of events (after another replica died, say) answered no
 * request until that backlog was through: its health and every caller timed out. Requests are
 * therefore read by a consumer of their own, in the group `<service>-server-requests`, and
 * answered concurrently, as the in-process transport does (a request that waits, such as the
 * feed's long poll or a command waiting for its projection, holds nothing else). Events keep the
 * group `<service>-server` and its committed offsets, and are handled one at a time, in order,
 * before their offset is committed.
 * With tracing on, each request answered has a span of its own (answering), since the kafkajs
 * instrumentation's `process` span ends as soon as the request is taken.
 */
export class ConcurrentRequestsServerKafka extends ServerKafka {
  private inFlight = 0;
  private readonly slotFreed: (() => void)[] = [];
  private requestConsumer: Consumer | null = null;
  private readonly consumerStates = new Map<'events' | 'requests', ConsumerState>();
  private unwatchDepth: (() => void) | undefined;

  /** Whether this process reads its topics: each of its consumers has joined its group and is running. */
  get bus(): ConsumerState {
    if (this.consumerStates.size === 0) return { ready: false, detail: 'not connected yet' };
    const waiting = [...this.consumerStates].filter(([, state]) => !state.ready);
    if (waiting.length === 0) return { ready: true };
    return { ready: false, detail: waiting.map(([role, state]) => `${role}: ${state.detail}`).join('; ') };
  }

  /** The group the replicas of this service share their request topics in. */
  get requestGroupId(): string {
    return `${this.groupId}-requests`;
  }

  protected override registerConsumerEventListeners(): void {
    super.registerConsumerEventListeners();
    this.watch('events', this.consumer as Consumer);
  }

  private watch(role: 'events' | 'requests', consumer: Consumer): void {
    const current = () => this.consumer === consumer || this.requestConsumer === consumer;
    // What a consumer replaced by a restart still reports is not this server's state.
    const state = (ready: boolean, detail?: string) => () => void (current() && this.consumerStates.set(role, ready ? { ready } : { ready, detail }));
    state(false, 'connecting')();
    consumer.on(consumer.events.CONNECT, state(false, 'joining its consumer group'));
    consumer.on(consumer.events.GROUP_JOIN, state(true));
    consumer.on(consumer.events.REBALANCING, state(false, 'rebalancing'));
    consumer.on(consumer.events.CRASH, state(false, 'the Kafka consumer crashed'));
    consumer.on(consumer.events.STOP, state(false, 'the Kafka consumer stopped'));
    consumer.on(consumer.events.DISCONNECT, state(false, 'disconnected from Kafka'));
    // Watched before it joins its group: with no group coordinator yet (a fresh broker) it crashes inside start.
    this.startOver.watch(consumer, current);
  }

  private readonly startOver = new StartOverAfterFatalCrash(
    (message) => this.logger.error(message),
    async () => {
      await this.shutDown();
      await new Promise<void>((resolve, reject) => void this.listen((error?: unknown) => (error ? reject(error) : resolve())));
    },
  );

  /**
   * Subscribes the events consumer (Nest's) to the event patterns and a consumer of its own to
   * the request patterns. A new request group starts at the end of its topics whatever
   * `fromBeginning` says: requests nobody waits for any more are not answered late.
   */
  override async bindEvents(consumer: Consumer): Promise<void> {
    const handlers = [...this.messageHandlers];
    const events = handlers.filter(([, handler]) => handler.isEventHandler).map(([pattern]) => pattern);
    const requests = handlers.filter(([, handler]) => !handler.isEventHandler).map(([pattern]) => pattern);
    const run = { ...(this.options.run ?? {}), eachMessage: this.getMessageHandler() };
    const readRequests = async () => {
      const requestConsumer = this.client!.consumer({ ...(this.options.consumer ?? {}), groupId: this.requestGroupId });
      this.requestConsumer = requestConsumer;
      this.watch('requests', requestConsumer);
      await requestConsumer.connect();
      await requestConsumer.subscribe({ topics: requests, fromBeginning: false });
      await requestConsumer.run(run);
    };
    const readEvents = async () => {
      await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics: events });
      await consumer.run(run);
    };
    if (events.length === 0) this.consumerStates.delete('events'); // nothing to read: it never joins a group
    // Side by side: each join waits for the group's other members to rejoin. Both settle before
    // a failure is thrown, so that the close that follows it reaches both consumers.
    const joined = await Promise.allSettled([requests.length > 0 && readRequests(), events.length > 0 && readEvents()]);
    const failed = joined.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** For good: a start-over after a crash that is waiting for its turn does not happen. */
  override async close(limitMs = 10_000): Promise<void> {
    this.startOver.cancel();
    await this.shutDown(limitMs);
  }

  /**
   * Stops reading first, then waits for the requests being answered (up to `limitMs` from the
   * call) before the producer their replies go out on is disconnected.
   */
  private async shutDown(limitMs = 10_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    await Promise.all([this.consumer?.stop(), this.requestConsumer?.stop()]);
    while (this.inFlight > 0 && Date.now() < deadline) await delay(10);
    await this.requestConsumer?.disconnect();
    this.requestConsumer = null;
    await super.close();
  }

  override async start(callback: () => void): Promise<void> {
    this.unwatchDepth ??= processMetrics().watchQueueDepth('kafka-requests', () => this.inFlight + this.slotFreed.length);
    await super.start(callback);
  }

  override async handleMessage(payload: EachMessagePayload): Promise<void> {
    if (!payload.message.headers?.[KafkaHeaders.REPLY_TOPIC]) return super.handleMessage(payload);
    while (this.inFlight >= MAX_CONCURRENT_REQUESTS) await new Promise<void>((resolve) => this.slotFreed.push(resolve));
    this.inFlight += 1;
    answering(payload.topic, () => super.handleMessage(payload))
      .catch((error: unknown) => this.logger.error(`request on ${payload.topic}: ${error instanceof Error ? error.stack : String(error)}`))
      .finally(() => {
        this.inFlight -= 1;
        this.slotFreed.shift()?.();
      });
  }
}

const tracer = trace.getTracer('@cp/runtime');

/**
 * A request being answered, as a span in the request's trace (a child of the instrumentation's
 * `process <topic>` span, the active one here): from taking the request to handing its reply to
 * the producer, so that a trace shows how long the service took, and its own calls inside it.
 */
function answering(topic: string, answer: () => Promise<void>): Promise<void> {
  return tracer.startActiveSpan(`answer ${topic}`, { attributes: { 'messaging.destination.name': topic } }, (span) =>
    answer().then(
      () => span.end(),
      (error: unknown) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        span.end();
        throw error;
      },
    ),
  );
}

/**
 * A reply consumer that starts over after a crash kafkajs gives up on (see StartOverAfterFatalCrash).
 * Watched from the moment each consumer is made, before it joins its group: a broker that has no
 * group coordinator yet (a fresh one still creating its offsets topic) crashes it inside connect.
 */
class RestartingClientKafka extends ClientKafka {
  protected override registerConsumerEventListeners(): void {
    super.registerConsumerEventListeners();
    const consumer = this._consumer;
    if (!consumer) return;
    this.startOver.watch(consumer, () => this._consumer === consumer);
  }

  private readonly startOver = new StartOverAfterFatalCrash(
    (message) => this.logger.error(message),
    async () => {
      await super.close();
      await this.connect();
    },
  );

  /** For good: a start-over after a crash that is waiting for its turn does not happen. */
  override async close(): Promise<void> {
    this.startOver.cancel();
    await super.close();
  }
}

interface CrashingConsumer {
  events: { CRASH: string };
  on(event: string, listener: (event: { payload: { restart: boolean; error: Error } }) => void): unknown;
}

/**
 * kafkajs restarts a crashed consumer only after a retriable error: after others, such as no
 * group coordinator found while the broker is down, it stays stopped for good, and the process
 * would never read that group's topics again. Those start over here (the owner closed and
 * started again), with backoff until a start succeeds. One start-over at a time: consumers that
 * crash together (a server's two, when the broker goes) join it, and a crash during an attempt
 * (kafkajs reports a failed join as a crash, and `run` still resolves) makes it try again.
 */
export class StartOverAfterFatalCrash {
  private running: Promise<void> | undefined;
  private crashedMeanwhile = false;
  private cancelled = false;

  constructor(
    private readonly log: (message: string) => void,
    private readonly restart: () => Promise<void>,
    private readonly firstDelayMs = 1_000,
  ) {}

  /** `current` says whether the consumer is still its owner's: one replaced or closed is let go. */
  watch(consumer: CrashingConsumer, current: () => boolean): void {
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || !current() || this.cancelled) return;
      if (this.running) this.crashedMeanwhile = true;
      else this.running = this.untilStarted(payload.error).finally(() => (this.running = undefined));
    });
  }

  /** The owner closed for good: no attempt from now on. */
  cancel(): void {
    this.cancelled = true;
  }

  private async untilStarted(error: Error | undefined): Promise<void> {
    for (let delayMs = this.firstDelayMs; ; delayMs = Math.min(delayMs * 2, 30_000)) {
      await delay(delayMs);
      if (this.cancelled) return;
      this.log(`Kafka consumer stopped after ${error?.message}; starting it again`);
      this.crashedMeanwhile = false;
      try {
        await this.restart();
        if (!this.crashedMeanwhile) return;
      } catch {
        // the broker is still away: try again, later
      }
    }
  }
}

/** A request/reply client for some patterns of one service, replies read by this instance only. */
export async function kafkaServiceClient(owner: string, target: string, patterns: readonly string[], config: KafkaConfig): Promise<{ client: ServiceClient; proxy: ClientKafka }> {
  const proxy = new RestartingClientKafka({
    client: { clientId: `${owner}-${target}`, brokers: config.brokers, ...clientLogging },
    consumer: { groupId: `${owner}-${target}-${config.instanceId}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 }, // a stop waits for the fetch under way
    producer: { allowAutoTopicCreation: false },
  });
  for (const pattern of patterns) proxy.subscribeToResponseOf(pattern);
  await proxy.connect();
  return { client: new ServiceClient(timedRequests(proxy, target), config.requestTimeoutMs), proxy };
}

/**
 * Each request timed until its reply (`kafka_request_duration_seconds`): `ok`, `error` (an error
 * reply or a failed send), or `timeout` when the caller gave up on it first (it unsubscribed).
 */
export function timedRequests(proxy: RequestSender, target: string): RequestSender {
  const histogram = processMetrics().kafkaRequestDuration;
  return {
    send<T>(pattern: string, data: unknown): Observable<T> {
      return defer(() => {
        const end = histogram.startTimer({ target, pattern });
        let outcome: 'ok' | 'error' | 'timeout' = 'timeout';
        return proxy.send<T>(pattern, data).pipe(
          tap({
            next: () => void (outcome = 'ok'),
            error: () => void (outcome = 'error'),
            finalize: () => void end({ outcome }),
          }),
        );
      });
    },
  };
}

/** A producer-only client for publishing integration and public events. */
export function kafkaPublisher(owner: string, config: KafkaConfig): ClientKafka {
  return new ClientKafka({
    client: { clientId: `${owner}-events`, brokers: config.brokers, ...clientLogging },
    producerOnlyMode: true,
    producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
  });
}
