import { InMemoryEventStore } from './in-memory-event-store';
import { AppendOutcome, observeAppends } from './observed-appends';

const event = { type: 'Happened', data: {}, metadata: { siteId: 'site-a' } };

describe('observeAppends', () => {
  it('times each append and multi-stream append with its outcome, and leaves the rest of the store as it is', async () => {
    const outcomes: AppendOutcome[] = [];
    let started = 0;
    const inner = new InMemoryEventStore();
    const store = observeAppends(inner, () => {
      started += 1;
      return (outcome) => void outcomes.push(outcome);
    });
    await store.append('thing-site-a.1', [event], 'no_stream');
    await expect(store.append('thing-site-a.1', [event], 'no_stream')).rejects.toThrow(/expected revision/);
    await store.appendToStreams([{ streamId: 'thing-site-a.2', events: [event], expected: 'no_stream' }]);
    expect(outcomes).toEqual(['ok', 'conflict', 'ok']);
    expect(started).toBe(3);
    expect(store.atomicMultiStreamAppend).toBe(inner.atomicMultiStreamAppend);
    expect(await store.headPosition()).toBe(await inner.headPosition());
    expect((await store.readStream('thing-site-a.1')).map((recorded) => recorded.revision)).toEqual([0]);
    expect(store).toBeInstanceOf(InMemoryEventStore);
  });
});
