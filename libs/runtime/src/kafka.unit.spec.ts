import { EventEmitter } from 'node:events';
import { NEVER, Observable, of, throwError } from 'rxjs';
import { ServiceClient } from '@cp/messaging';
import { processMetrics } from '@cp/observability';
import { ConcurrentRequestsServerKafka, timedRequests } from './kafka';

/** A consumer that only emits kafkajs's instrumentation events, by their kafkajs names. */
function fakeConsumer() {
  const events = { CONNECT: 'consumer.connect', DISCONNECT: 'consumer.disconnect', REBALANCING: 'consumer.rebalancing', STOP: 'consumer.stop', CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  return Object.assign(new EventEmitter(), { events });
}

describe('a service\'s bus readiness', () => {
  it('is ready once the consumer of its requests has joined its group, and not while it rebalances, crashed or stopped', () => {
    const server = new ConcurrentRequestsServerKafka({ client: { brokers: ['kafka:9092'] } });
    const consumer = fakeConsumer();
    const internals = server as unknown as { consumer: unknown; registerConsumerEventListeners(): void };
    internals.consumer = consumer;
    internals.registerConsumerEventListeners();
    expect(server.bus.ready).toBe(false);
    consumer.emit(consumer.events.CONNECT);
    expect(server.bus).toEqual({ ready: false, detail: 'joining its consumer group' });
    consumer.emit(consumer.events.GROUP_JOIN);
    expect(server.bus).toEqual({ ready: true, detail: undefined });
    consumer.emit(consumer.events.REBALANCING);
    expect(server.bus).toEqual({ ready: false, detail: 'rebalancing' });
    consumer.emit(consumer.events.GROUP_JOIN);
    expect(server.bus.ready).toBe(true);
    consumer.emit(consumer.events.CRASH, { payload: { restart: true, error: new Error('broker gone') } }); // one kafkajs restarts itself
    expect(server.bus).toEqual({ ready: false, detail: 'the Kafka consumer crashed' });
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
