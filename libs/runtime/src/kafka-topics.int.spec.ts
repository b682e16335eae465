import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from './kafka';

const brokers = process.env.KAFKA_BROKERS?.split(',');

/** Against a real broker (test:distributed's adapters stage), on topics of its own so the running stack's are left alone. */
(brokers ? describe : describe.skip)('ensureTopics on a real Kafka broker', () => {
  const admin = new Kafka({ clientId: 'topics-test', brokers: brokers ?? [], logLevel: logLevel.NOTHING }).admin();
  const partitionsOf = async (topics: string[]) =>
    Object.fromEntries((await admin.fetchTopicMetadata({ topics })).topics.map((topic) => [topic.name, topic.partitions.length]));
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates shared topics with the configured partitions and reply topics with one, grows a shared topic that has fewer, and never shrinks one', async () => {
    const run = randomUUID().slice(0, 8);
    const [existing, created, reply, wide] = ['existing', 'created', 'created.reply', 'wide'].map((name) => `topics-test-${run}-${name}`);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: existing, numPartitions: 1 }, { topic: wide, numPartitions: 4 }] });

    // Replicas starting together race to set the topics up: both succeed.
    await Promise.all([0, 1].map(() => ensureTopics({ brokers: brokers!, partitions: 3 }, { shared: [existing, created, wide], replies: [reply] })));
    expect(await partitionsOf([existing, created, reply, wide])).toEqual({ [existing]: 3, [created]: 3, [reply]: 1, [wide]: 4 });

    await ensureTopics({ brokers: brokers!, partitions: 2 }, { shared: [existing, created, wide], replies: [reply] });
    expect(await partitionsOf([existing, created, reply, wide])).toEqual({ [existing]: 3, [created]: 3, [reply]: 1, [wide]: 4 });
    await admin.deleteTopics({ topics: [existing, created, reply, wide] });
  });
});

if (!brokers) console.log('ensureTopics suite skipped: set KAFKA_BROKERS (tools/infra/kafka.sh starts a broker; test:distributed runs it).');
