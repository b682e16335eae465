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

  it('caughtUp waits however long the catch-up takes, saying how far it is, and rejects when the projection fails', async () => {
    const events = new InMemoryEventStore();
    for (let n = 1; n <= 5; n++) await append(events, n);
    // Slow enough that the first report comes before the end.
    const slow = new CheckpointedProjection('slow', events, new EmbeddedReadStore(), () => new Promise((resolve) => setTimeout(resolve, 30)), logger);
    await slow.start();
    const reports: string[] = [];
    await slow.caughtUp((message) => reports.push(message), 50);
    expect(slow.ready).toBe(true);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0]).toMatch(/^slow: catching up, at \d of 5$/);
    await slow.stop();

    const failing = new CheckpointedProjection('failing', events, new EmbeddedReadStore(), async () => Promise.reject(new Error('broken handler')), logger);
    await failing.start();
    await expect(failing.caughtUp(() => undefined, 20)).rejects.toThrow('broken handler');
    await failing.stop();
  });

  it('applies committed events at once, never while the handler is at work, and the subscription passes over them', async () => {
    const events = new InMemoryEventStore();
    // The subscription delivers only once released: the events below are committed before it gets to them.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const held: typeof events = Object.create(events);
    held.subscribeAll = (handler, options) => events.subscribeAll(async (event) => (await released, handler(event)), options);
    const seen: string[] = [];
    let busy = false;
    const record = (by: string) => async (event: RecordedEvent) => {
      expect(busy).toBe(false); // one event at a time touches the read model
      busy = true;
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(`${by}:${(event.data as { n: number }).n}`);
      busy = false;
      return true;
    };
    const projection = new CheckpointedProjection('p', held, new EmbeddedReadStore(), async (event) => void (await record('sub')(event)), logger, ['s-']);
    await projection.start();
    await append(events, 1);
    const second = await append(events, 2);
    const third = await append(events, 3);
    const elsewhere = await events.append('other-1', [{ type: 'T', data: { n: 9 }, metadata: { siteId: 's' } }], 'any');
    release();
    // Inline while the subscription works through the same events: each is applied once.
    expect(await projection.applyCommitted([...second.recorded!, ...elsewhere.recorded!], record('inline'))).toBe(true);
    // An event the apply refuses (out of order for its entity) is left to the subscription.
    expect(await projection.applyCommitted(third.recorded!, async () => false)).toBe(false);
    await projection.waitFor(elsewhere.position);
    expect(seen.sort()).toEqual(['inline:2', 'sub:1', 'sub:3']); // each once; entities apart need no order
    await projection.stop();
  });

  it('shows committed events through the subscription when applying them inline fails', async () => {
    const events = new InMemoryEventStore();
    const seen: number[] = [];
    const projection = new CheckpointedProjection('p', events, new EmbeddedReadStore(), async (event) => void seen.push((event.data as { n: number }).n), logger);
    await projection.start();
    const appended = await append(events, 1);
    await projection.showCommitted([appended], async () => {
      throw new Error('read store down');
    });
    expect(seen).toEqual([1]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('read store down'));
    await projection.stop();
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

  it('checkpoints a pipelined handler only below the oldest event not yet settled', async () => {
    const events = new InMemoryEventStore();
    const reads = new EmbeddedReadStore();
    const settle = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
    const pipelined = async (event: RecordedEvent) => ({
      settled: new Promise<void>((resolve, reject) => settle.set((event.data as { n: number }).n, { resolve, reject })),
    });
    const positions = [];
    for (const n of [1, 2, 3]) positions.push((await append(events, n)).position);
    const projection = new CheckpointedProjection('pipelined', events, reads, pipelined, logger);
    await projection.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([...settle.keys()]).toEqual([1, 2, 3]); // all three handed on before any settled
    settle.get(2)!.resolve();
    settle.get(3)!.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(projection.processedPosition).toBe(0);
    settle.get(1)!.resolve();
    await projection.waitFor(positions[2], 1_000);
    expect(projection.processedPosition).toBe(positions[2]);
    await projection.stop();
  });

  it('stops at a settlement that fails, and a restart resumes from the event before it', async () => {
    const events = new InMemoryEventStore();
    const reads = new EmbeddedReadStore();
    const seen: number[] = [];
    let failing = true;
    const pipelined = async (event: RecordedEvent) => {
      const n = (event.data as { n: number }).n;
      seen.push(n);
      return { settled: n === 2 && failing ? Promise.reject(new Error('broker gone')) : Promise.resolve() };
    };
    const positions = [];
    for (const n of [1, 2, 3]) positions.push((await append(events, n)).position);
    const first = new CheckpointedProjection('pipelined-failing', events, reads, pipelined, logger);
    await first.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(first.ready).toBe(false);
    expect(first.processedPosition).toBe(positions[0]);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('broker gone'));
    await first.stop();

    failing = false;
    seen.length = 0;
    const second = new CheckpointedProjection('pipelined-failing', events, reads, pipelined, logger);
    await second.start();
    await second.waitFor(positions[2], 1_000);
    expect(seen).toEqual([2, 3]);
    await second.stop();
  });
});

describe('CheckpointedProjection on replicas sharing a read store', () => {
  const count = (store: InMemoryEventStore, n: number) => store.append(`s-${n}`, [{ type: 'T', data: { n }, metadata: { siteId: 's' } }], 'any');

  it('runs on one replica at a time; the other follows its checkpoint, applies its own commits inline, and takes over when it stops', async () => {
    const events = new InMemoryEventStore();
    const reads = new EmbeddedReadStore();
    const handled: Record<string, number[]> = { one: [], two: [] };
    const handlerOf = (replica: string) => async (event: RecordedEvent) => void handled[replica].push((event.data as { n: number }).n);
    await count(events, 1);
    const one = new CheckpointedProjection('shared', events, reads, handlerOf('one'), logger);
    const two = new CheckpointedProjection('shared', events, reads, handlerOf('two'), logger);
    await one.start();
    await two.start();
    expect([one.activity, two.activity]).toEqual(['active', 'standby']);

    const { position } = await count(events, 2);
    await two.waitFor(position, 2_000); // resolved by the active replica's checkpoint
    expect(two.processedPosition).toBe(position);
    expect(two.ready).toBe(true);
    expect(handled).toEqual({ one: [1, 2], two: [] });

    // A command on the standby replica shows its events at once.
    const own = await count(events, 3);
    const inline: number[] = [];
    expect(await two.applyCommitted(own.recorded!, async (event) => (inline.push((event.data as { n: number }).n), true))).toBe(true);
    expect(inline).toEqual([3]);

    await one.waitFor(own.position);
    await one.stop(); // gives the lease up
    const next = await count(events, 4);
    await two.waitFor(next.position, 3_000);
    expect(two.activity).toBe('active');
    expect(two.processedPosition).toBe(next.position);
    expect(handled.two).toEqual([4]); // from the checkpoint on: nothing the first replica had handled
    await two.stop();
  });
  it('standing by, is caught up once the active replica\'s checkpoint passes what was stored when it started', async () => {
    const events = new InMemoryEventStore();
    const reads = new EmbeddedReadStore();
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const active = new CheckpointedProjection('slow-shared', events, reads, async () => void (await released), logger);
    await active.start();
    for (let n = 1; n <= 3; n++) await count(events, n);
    const standby = new CheckpointedProjection('slow-shared', events, reads, async () => undefined, logger);
    await standby.start();
    expect(standby.activity).toBe('standby');
    expect(standby.ready).toBe(false);
    const caughtUp = standby.caughtUp(() => undefined, 50);
    release();
    await caughtUp;
    expect(standby.ready).toBe(true);
    await standby.stop();
    await active.stop();
  });
});
