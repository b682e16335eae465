import { InMemoryEventStore, RecordedEvent } from '@cp/event-store';
import { StreamStateCache } from './stream-state-cache';

/** The state is the list of event types so far; the store counts the streams read. */
class CountingStore extends InMemoryEventStore {
  reads = 0;
  override readStream(streamId: string): Promise<RecordedEvent[]> {
    this.reads++;
    return super.readStream(streamId);
  }
}

const evolve = (state: string[], event: RecordedEvent) => [...state, event.type];

async function setUp() {
  const store = new CountingStore();
  const meta = { siteId: 's' };
  await store.append('x-s.1', ['A', 'B', 'C', 'D'].map((type) => ({ type, data: {}, metadata: meta })), 'no_stream');
  await store.append('x-s.2', ['E', 'F'].map((type) => ({ type, data: {}, metadata: meta })), 'no_stream');
  return { store, events: await store.readAll() };
}

describe('StreamStateCache', () => {
  it('evolves the cached state event after event, without reading the stream', async () => {
    const { store, events } = await setUp();
    const cache = new StreamStateCache(store, evolve, [] as string[]);
    const steps = [];
    for (const event of events) steps.push(await cache.step(event));
    expect(steps.map((s) => s.after.join(''))).toEqual(['A', 'AB', 'ABC', 'ABCD', 'E', 'EF']);
    expect(steps[3].before).toEqual(['A', 'B', 'C']);
    expect(store.reads).toBe(0);
  });

  it('folds the stream for an event it cannot continue from: a cold start, a replay, an evicted stream', async () => {
    const { store, events } = await setUp();
    const cache = new StreamStateCache(store, evolve, [] as string[], 1);
    expect((await cache.step(events[2])).before).toEqual(['A', 'B']); // cold
    expect((await cache.step(events[1])).after).toEqual(['A', 'B']); // replay of an earlier one
    await cache.step(events[4]); // evicts x-s.1
    expect((await cache.step(events[2])).after).toEqual(['A', 'B', 'C']);
    expect(store.reads).toBe(3);
  });
});
