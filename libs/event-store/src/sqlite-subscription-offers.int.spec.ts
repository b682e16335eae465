import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, RecordedEvent } from './event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

const event = (n: number): NewEvent => ({ type: 'T', data: { n }, metadata: { siteId: 's' } });

/** What this process appends reaches its subscriptions without a read; what another connection appended in between is read, in order. */
describe('SQLite subscriptions take their own process’s appends without reading', () => {
  let dir: string;
  let ours: SqliteEventStore;
  let theirs: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'offers-'));
    ours = new SqliteEventStore(join(dir, 'events.sqlite'));
    theirs = new SqliteEventStore(join(dir, 'events.sqlite')); // another process's connection
  });
  afterEach(async () => {
    await ours.close();
    await theirs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers in order, each once, reading only at the start and after another writer', async () => {
    const seen: number[] = [];
    let reads = 0;
    const readFiltered = (ours as unknown as { readFiltered: (...args: unknown[]) => unknown }).readFiltered.bind(ours);
    (ours as unknown as { readFiltered: unknown }).readFiltered = (...args: unknown[]) => (reads++, readFiltered(...args));
    let arrived = () => {};
    const subscription = ours.subscribeAll(
      (e: RecordedEvent) => {
        seen.push((e.data as { n: number }).n);
        arrived();
      },
      { streamPrefixes: ['a-'] },
    );
    const until = (count: number) =>
      new Promise<void>((resolve) => {
        arrived = () => seen.length >= count && resolve();
        arrived();
      });

    await ours.append('a-1', [event(1), event(2)], 'no_stream');
    await ours.append('b-1', [event(99)], 'no_stream'); // another prefix: skipped without a read
    await ours.append('a-1', [event(3)], 1);
    await until(3);
    const readsAtStart = reads;

    await ours.append('a-2', [event(4)], 'no_stream');
    await until(4);
    expect(reads).toBe(readsAtStart);

    // Another connection appends, and this one appends right after (before it polls): a gap, so it reads.
    await theirs.append('a-3', [event(5)], 'no_stream');
    await ours.append('a-2', [event(6)], 0);
    await until(6);
    expect(reads).toBeGreaterThan(readsAtStart);

    await ours.append('a-2', [event(7)], 1);
    await until(7);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await subscription.close();
  });

  it("reads another writer's events announced while it was busy, after taking its own process's block", async () => {
    const seen: number[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived = () => {};
    const subscription = ours.subscribeAll(async (e: RecordedEvent) => {
      const n = (e.data as { n: number }).n;
      if (n === 1) await held; // busy while ours and theirs append
      seen.push(n);
      arrived();
    });
    await ours.append('a-1', [event(1)], 'no_stream');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await ours.append('a-1', [event(2)], 0); // offered as a block
    await theirs.append('a-2', [event(3)], 'no_stream');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the other-writers poll notices it meanwhile
    release();
    await new Promise<void>((resolve) => {
      arrived = () => seen.length >= 3 && resolve();
      arrived();
    });
    expect(seen).toEqual([1, 2, 3]);
    await subscription.close();
  });
});
