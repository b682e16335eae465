import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { ensureTopics, KafkaConfig, kafkaPublisher, kafkaServerOptions, kafkaServiceClient } from './kafka';

const brokers = process.env.KAFKA_BROKERS?.split(',');

/** Until `check` holds, or `limitMs` has passed (then it fails with `what`). */
async function eventually(what: string, check: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Against a real broker (test:distributed's adapters stage), on topics and groups of its own. The
 * case this guards: a replica catching up on a backlog of events must still answer its requests
 * (its health among them), which it did not while one consumer read both.
 */
(brokers ? describe : describe.skip)('a service served over a real Kafka broker', () => {
  const run = randomUUID().slice(0, 8);
  const service = `server-test-${run}`;
  const [getPattern, eventTopic] = [`${service}.get`, `${service}.events`];
  const config: KafkaConfig = { brokers: brokers ?? [], instanceId: `test-${run}`, requestTimeoutMs: 2_000, partitions: 2 };
  const { strategy: server } = kafkaServerOptions(service, config, true);
  const publisher = kafkaPublisher(service, config);
  let releaseEvent!: () => void;
  const eventReleased = new Promise<void>((resolve) => (releaseEvent = resolve));
  const handled = { started: 0, finished: 0 };

  beforeAll(async () => {
    await ensureTopics(config, { shared: [getPattern, eventTopic], replies: [`${getPattern}.reply`] });
    server.addHandler(getPattern, async (data: { n: number }) => ({ n: data.n }), false);
    // The first event holds its consumer until released: a backlog behind it is a backlog of one.
    server.addHandler(eventTopic, async () => {
      handled.started += 1;
      await eventReleased;
      handled.finished += 1;
    }, true);
    await new Promise<void>((resolve, reject) => void server.listen((error?: unknown) => (error ? reject(error) : resolve())));
    await publisher.connect();
  }, 60_000);

  // Stopping waits for each consumer's fetch under way (a long poll of up to 1 s) and for the group to let it go.
  afterAll(async () => {
    releaseEvent();
    await server.close();
    await publisher.close();
  }, 30_000);

  it('answers its requests while an event is still being handled', async () => {
    await eventually('both consumers in their groups', () => server.bus.ready);
    const { client, proxy } = await kafkaServiceClient('caller', service, [getPattern], config);
    try {
      // A new group starts at the end of its topics once it has its partitions: ask until answered.
      await eventually('a first reply', () => client.send(getPattern, { n: 0 }).then(() => true, () => false), 40_000);

      await lastValueFrom(publisher.emit(eventTopic, { key: 'contact-1', value: { type: 'ContactCreated' } }));
      await eventually('the event taken', () => handled.started === 1);
      // Released anyway after 10 s, so that a server that reads both on one consumer fails below rather than hangs.
      const fallback = setTimeout(releaseEvent, 10_000);

      const replies = await Promise.all([1, 2, 3].map((n) => client.send<{ n: number }>(getPattern, { n })));
      expect(replies).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      expect(handled.finished).toBe(0);

      clearTimeout(fallback);
      releaseEvent();
      await eventually('the event handled', () => handled.finished === 1);
    } finally {
      await proxy.close();
    }
  }, 90_000);
});

if (!brokers) console.log('Kafka server suite skipped: set KAFKA_BROKERS (tools/infra/kafka.sh starts a broker; test:distributed runs it).');
