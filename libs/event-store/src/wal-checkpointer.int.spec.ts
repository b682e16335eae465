import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './sqlite-event-store';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WAL checkpoints on their own thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies committed appends into the database file shortly after, though the committing connection checkpoints only past 10,000 pages', async () => {
    const file = join(dir, 'events.sqlite');
    const store = new SqliteEventStore(file);
    const sizeAtStart = statSync(file).size;
    // About 500 pages of WAL: far below the 10,000 pages at which the committing connection would checkpoint.
    for (let i = 0; i < 1000; i++) {
      await store.append(`contact-s.${i}`, [{ type: 'ContactCreated', data: { padding: 'x'.repeat(1500) }, metadata: { siteId: 's' } }], 'no_stream');
    }
    // Not asserted: that all of it is still in the WAL here. The checkpointer thread may already have
    // copied some when the loop ran slowly (a busy machine), and nothing else would have. So the wait
    // is for all of it, not for the first change of size: a partial copy is followed by another.
    for (let waited = 0; statSync(file).size <= sizeAtStart + 1_000_000 && waited < 5000; waited += 50) await sleep(50);
    expect(statSync(file).size).toBeGreaterThan(sizeAtStart + 1_000_000);
    expect(await store.readStream('contact-s.999')).toHaveLength(1);
    await store.close();
  });

  it('serves two stores on one file and closes cleanly after both', async () => {
    const file = join(dir, 'shared.sqlite');
    const [first, second] = [new SqliteEventStore(file), new SqliteEventStore(file)];
    await first.append('a-s.1', [{ type: 'A', data: {}, metadata: { siteId: 's' } }], 'no_stream');
    await first.close();
    await second.append('a-s.1', [{ type: 'B', data: {}, metadata: { siteId: 's' } }], 0);
    expect((await second.readStream('a-s.1')).map((e) => e.type)).toEqual(['A', 'B']);
    await second.close();
    const reopened = new SqliteEventStore(file);
    expect(await reopened.readStream('a-s.1')).toHaveLength(2);
    await reopened.close();
  });

  it('does not keep a process alive: one that leaves its store open still exits', () => {
    const script = `
const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
const options = { swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
require.extensions['.ts'] = (module, file) => module._compile(swc.transformFileSync(file, options).code, file);
const { SqliteEventStore } = require(${JSON.stringify(join(__dirname, 'sqlite-event-store.ts'))});
const store = new SqliteEventStore(${JSON.stringify(join(dir, 'left-open.sqlite'))});
store.append('a-s.1', [{ type: 'A', data: {}, metadata: { siteId: 's' } }], 'no_stream').then(() => console.log('appended'));
`;
    const run = spawnSync(process.execPath, ['-e', script], { timeout: 20_000, encoding: 'utf8' });
    expect(run.stdout).toContain('appended');
    expect(run.signal).toBeNull(); // not killed by the timeout: it exited by itself
    expect(run.status).toBe(0);
  });
});
