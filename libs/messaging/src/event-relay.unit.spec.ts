import { InMemoryEventStore, RecordedEvent } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { EventPublisher, EventRelay } from './event-relay';

const logger = { warn: jest.fn(), error: jest.fn() };

function relay(store: InMemoryEventStore, publisher: EventPublisher, map: (event: RecordedEvent) => string[] | Promise<string[]> = (e) => [e.type]) {
  return new EventRelay<string>({ checkpoint: 'relay:test', topic: 'test.events', events: store, readStore: new EmbeddedReadStore(), map, key: (type) => `s:${type}`, publisher, logger });
}

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('EventRelay', () => {
  beforeEach(() => jest.clearAllMocks());

  it('keeps trying a publish the broker refuses, then relays every event once, in order', async () => {
    const store = new InMemoryEventStore();
    const published: string[] = [];
    let refusals = 2;
    const publisher: EventPublisher = {
      publish: async (_topic, _key, value) => {
        if (refusals > 0) {
          refusals--;
          throw new Error('broker away');
        }
        published.push(value as string);
      },
    };
    const running = relay(store, publisher);
    await store.append('thing-s.1', [{ type: 'A', data: {}, metadata: { siteId: 's' } }, { type: 'B', data: {}, metadata: { siteId: 's' } }], 'no_stream');
    await running.start();
    await until(() => published.length >= 2);
    await running.stop();
    expect(published).toEqual(['A', 'B']);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('publishes what an async mapper gives, each message under its key, in order', async () => {
    const store = new InMemoryEventStore();
    const published: [string, string, unknown][] = [];
    const publisher: EventPublisher = { publish: async (topic, key, value) => void published.push([topic, key, value]) };
    const running = relay(store, publisher, async (e) => [`${e.type}1`, `${e.type}2`]);
    await store.append('thing-s.1', [{ type: 'A', data: {}, metadata: { siteId: 's' } }], 'no_stream');
    await running.start();
    await until(() => published.length >= 2);
    await running.stop();
    expect(published).toEqual([
      ['test.events', 's:A1', 'A1'],
      ['test.events', 's:A2', 'A2'],
    ]);
  });

  it('stops while the broker is away, without waiting for it', async () => {
    const store = new InMemoryEventStore();
    const running = relay(store, { publish: async () => Promise.reject(new Error('broker away')) });
    await store.append('thing-s.2', [{ type: 'A', data: {}, metadata: { siteId: 's' } }], 'no_stream');
    await running.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});
