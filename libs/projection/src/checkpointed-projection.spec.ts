import { InMemoryEventStore, RecordedEvent } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { CheckpointedProjection } from './index';

const logger = { error: jest.fn(), warn: jest.fn() };
const append = (store: InMemoryEventStore, n: number) => store.append(`s-${n}`, [{ type: 'T', data: { n }, metadata: { siteId: 's' } }], 'any');

describe('CheckpointedProjection', () => {
  it('handles events in order, waits for positions, and resumes after its checkpoint', async () => {
    const events = new InMemoryEventStore();
    const reads = new EmbeddedReadStore();
    const seen: number[] = [];
    const handler = async (event: RecordedEvent) => {
      seen.push((event.data as { n: number }).n);
    };
    await append(events, 1);
    const first = new CheckpointedProjection('p', events, reads, handler, logger);
    await first.start();
    await first.waitUntilCaughtUp();
    expect(first.ready).toBe(true);
    const { position } = await append(events, 2);
    await first.waitFor(position);
    expect(seen).toEqual([1, 2]);
    await first.stop();

    await append(events, 3);
    const second = new CheckpointedProjection('p', events, reads, handler, logger);
    await second.start();
    await second.waitUntilCaughtUp();
    expect(seen).toEqual([1, 2, 3]);
    await second.stop();
  });

  it('reports itself not ready when its handler fails', async () => {
    const events = new InMemoryEventStore();
    await append(events, 1);
    const failing = new CheckpointedProjection('f', events, new EmbeddedReadStore(), async () => {
      throw new Error('boom');
    }, logger);
    await failing.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failing.ready).toBe(false);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('boom'));
    await failing.stop();
  });
});
