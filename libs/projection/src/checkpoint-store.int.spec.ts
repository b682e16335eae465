import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { CheckpointedProjection } from './checkpointed-projection';
import { SqliteCheckpointStore } from './checkpoint-store';

describe('SQLite checkpoint store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'checkpoints-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps checkpoints across reopening, per name', async () => {
    const file = join(dir, 'checkpoints.sqlite');
    const first = new SqliteCheckpointStore(file);
    await first.save('a', 7);
    await first.save('a', 9);
    await first.save('b', 3);
    first.close();
    const again = new SqliteCheckpointStore(file);
    expect([await again.load('a'), await again.load('b'), await again.load('never')]).toEqual([9, 3, 0]);
    again.close();
  });

  it('lets a projection resume where it stopped although its read store is new', async () => {
    const events = new InMemoryEventStore();
    for (let i = 0; i < 5; i++) await events.append(`s-${i}`, [{ type: 'Happened', data: { i }, metadata: { siteId: 'x' } }], 'no_stream');
    const file = join(dir, 'checkpoints.sqlite');
    const seen: number[] = [];
    const run = async () => {
      const checkpoints = new SqliteCheckpointStore(file);
      const projection = new CheckpointedProjection('p', events, new EmbeddedReadStore(), async (e) => void seen.push((e.data as { i: number }).i), { error: () => undefined, warn: () => undefined }, undefined, checkpoints);
      await projection.start();
      await projection.waitUntilCaughtUp();
      await projection.stop();
      checkpoints.close();
    };
    await run();
    await events.append('s-5', [{ type: 'Happened', data: { i: 5 }, metadata: { siteId: 'x' } }], 'no_stream');
    await run();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
