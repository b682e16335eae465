import { EventEmitter } from 'node:events';
import { NEVER, Observable, of, throwError } from 'rxjs';
import { ServiceClient } from '@cp/messaging';
import { processMetrics } from '@cp/observability';
import { ConcurrentRequestsServerKafka, StartOverAfterFatalCrash, timedRequests } from './kafka';

/** A consumer that only emits kafkajs's instrumentation events, by their kafkajs names. */
function fakeConsumer() {
  const events = { CONNECT: 'consumer.connect', DISCONNECT: 'consumer.disconnect', REBALANCING: 'consumer.rebalancing', STOP: 'consumer.stop', CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  return Object.assign(new EventEmitter(), { events });
}

/** A consumer that records what it was asked to read, as far as the server uses one. */
function fakeRunnableConsumer() {
  return Object.assign(fakeConsumer(), {
    subscriptions: [] as { topics: string[]; fromBeginning?: boolean }[],
    running: false,
    connect: async () => undefined,
    subscribe: async function (this: { subscriptions: unknown[] }, subscription: unknown) {
      this.subscriptions.push(subscription);
    },
    run: async function (this: { running: boolean }) {
      this.running = true;
    },
  });
}

/** A server whose consumers are fakes: the events one is Nest's, the requests one comes from its client. */
function serverWithFakeConsumers(options: { fromBeginning?: boolean } = {}) {
  const server = new ConcurrentRequestsServerKafka({ client: { brokers: ['kafka:9092'] }, consumer: { groupId: 'contacts' }, subscribe: { fromBeginning: options.fromBeginning ?? false } });
  const events = fakeRunnableConsumer();
  const requests = fakeRunnableConsumer();
  const madeWith: unknown[] = [];
  const internals = server as unknown as { consumer: unknown; client: unknown; registerConsumerEventListeners(): void };
  internals.consumer = events;
  internals.client = { consumer: (config: unknown) => (madeWith.push(config), requests) };
  internals.registerConsumerEventListeners();
  return { server, events, requests, madeWith };
}

describe('a service\'s Kafka server', () => {
  it('reads its requests with a consumer of their own, apart from its events, so that a backlog of events holds no request back', async () => {
    const { server, events, requests, madeWith } = serverWithFakeConsumers({ fromBeginning: true });
    server.addHandler('contacts.get', async () => ({}), false);
    server.addHandler('contacts.create', async () => ({}), false);
    server.addHandler('labels.events', async () => undefined, true);
    await server.bindEvents(events as never);

    expect(events.subscriptions).toEqual([{ fromBeginning: true, topics: ['labels.events'] }]);
    // A new request group starts at the end: requests nobody waits for any more are not answered late.
    expect(requests.subscriptions).toEqual([{ fromBeginning: false, topics: ['contacts.get', 'contacts.create'] }]);
    expect(madeWith).toEqual([expect.objectContaining({ groupId: 'contacts-server-requests' })]);
    expect([events.running, requests.running]).toEqual([true, true]);
  });

  it('is ready once both its consumers have joined their groups, and says which one is not while it rebalances, crashed or stopped', async () => {
    const { server, events, requests } = serverWithFakeConsumers();
    expect(server.bus.ready).toBe(false);
    server.addHandler('contacts.get', async () => ({}), false);
    server.addHandler('labels.events', async () => undefined, true);
    await server.bindEvents(events as never);
    events.emit(events.events.CONNECT);
    expect(server.bus).toEqual({ ready: false, detail: 'events: joining its consumer group; requests: connecting' });
    events.emit(events.events.GROUP_JOIN);
    requests.emit(requests.events.GROUP_JOIN);
    expect(server.bus).toEqual({ ready: true });
    requests.emit(requests.events.REBALANCING);
    expect(server.bus).toEqual({ ready: false, detail: 'requests: rebalancing' });
    requests.emit(requests.events.GROUP_JOIN);
    expect(server.bus.ready).toBe(true);
    events.emit(events.events.CRASH, { payload: { restart: true, error: new Error('broker gone') } }); // one kafkajs restarts itself
    expect(server.bus).toEqual({ ready: false, detail: 'events: the Kafka consumer crashed' });
  });

  it('with no event handlers, is ready on its request consumer alone', async () => {
    const { server, events, requests } = serverWithFakeConsumers();
    server.addHandler('contacts.get', async () => ({}), false);
    await server.bindEvents(events as never);
    requests.emit(requests.events.GROUP_JOIN);
    expect(server.bus).toEqual({ ready: true });
    expect(events.running).toBe(false);
  });
});

describe('starting over after a crash kafkajs gives up on', () => {
  const crash = (consumer: ReturnType<typeof fakeConsumer>, restart = false) => consumer.emit(consumer.events.CRASH, { payload: { restart, error: new Error('no group coordinator') } });

  it('starts over once for consumers that crash together, retries until a start succeeds, and lets go of consumers no longer current', async () => {
    let attempts = 0;
    let started!: () => void;
    const done = new Promise<void>((resolve) => (started = resolve));
    const log: string[] = [];
    const startOver = new StartOverAfterFatalCrash((message) => log.push(message), async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('broker still away');
      started();
    }, 1);
    const [events, requests, replaced] = [fakeConsumer(), fakeConsumer(), fakeConsumer()];
    startOver.watch(events, () => true);
    startOver.watch(requests, () => true);
    startOver.watch(replaced, () => false);
    crash(replaced);
    crash(events, true); // kafkajs restarts this one itself
    crash(events);
    crash(requests);
    await done;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(attempts).toBe(2);
    expect(log).toEqual(['Kafka consumer stopped after no group coordinator; starting it again', 'Kafka consumer stopped after no group coordinator; starting it again']);
  });
});

describe('starting over, when an attempt itself crashes or the owner closes', () => {
  const crash = (consumer: ReturnType<typeof fakeConsumer>) => consumer.emit(consumer.events.CRASH, { payload: { restart: false, error: new Error('no group coordinator') } });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

  it('tries again after an attempt during which a consumer crashed (kafkajs reports a failed join as a crash, and run still resolves)', async () => {
    const consumer = fakeConsumer();
    let attempts = 0;
    const startOver = new StartOverAfterFatalCrash(() => undefined, async () => {
      attempts += 1;
      if (attempts === 1) crash(consumer); // the attempt's join fails, reported as a crash
    }, 1);
    startOver.watch(consumer, () => true);
    crash(consumer);
    await settle();
    expect(attempts).toBe(2);
  });

  it('makes no attempt once its owner closed, even one already waiting for its turn', async () => {
    const consumer = fakeConsumer();
    let attempts = 0;
    const startOver = new StartOverAfterFatalCrash(() => undefined, async () => void (attempts += 1), 5);
    startOver.watch(consumer, () => true);
    crash(consumer);
    startOver.cancel();
    crash(consumer);
    await settle();
    expect(attempts).toBe(0);
  });
});

describe('requests to another service over Kafka', () => {
  it('are timed until their reply, by target, pattern and outcome (ok, error, timeout)', async () => {
    const replies: Record<string, () => Observable<unknown>> = { 'labels.get': () => of({ label: {} }), 'labels.list': () => throwError(() => new Error('refused')), 'labels.find': () => NEVER };
    const client = new ServiceClient(timedRequests({ send: (pattern: string) => replies[pattern]() as never }, 'labels'), 50);
    await client.send('labels.get', {});
    await expect(client.send('labels.list', {})).rejects.toThrow();
    await expect(client.send('labels.find', {})).rejects.toThrow(/within 50 ms/);
    const counts = (await processMetrics().scrape()).body.split('\n').filter((line) => line.startsWith('kafka_request_duration_seconds_count'));
    expect(counts).toEqual([
      'kafka_request_duration_seconds_count{target="labels",pattern="labels.get",outcome="ok"} 1',
      'kafka_request_duration_seconds_count{target="labels",pattern="labels.list",outcome="error"} 1',
      'kafka_request_duration_seconds_count{target="labels",pattern="labels.find",outcome="timeout"} 1',
    ]);
  });
});
