import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isWrongExpectedRevision, NewEvent, RecordedEvent } from './event-store.port';
import { SqliteEventStore } from './sqlite-event-store';
import type { Command } from './test/second-process';

// The second process compiles its TypeScript with SWC on require, as jest does here.
const bootstrap = `
const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
const options = { swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
require.extensions['.ts'] = (module, file) => module._compile(swc.transformFileSync(file, options).code, file);
require(${JSON.stringify(join(__dirname, 'test', 'second-process.ts'))});
`;

const children = new Set<ChildProcess>();

/** Starts the second process on `file` and resolves once its store is open. */
async function startSecondProcess(file: string): Promise<{ run(command: Command): Promise<string[]> }> {
  const child = spawn(process.execPath, ['-e', bootstrap], {
    env: { ...process.env, EVENT_STORE_FILE: file },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`second process exited (${code ?? signal}) without replying`))),
  );
  exited.catch(() => undefined);
  const reply = () => Promise.race([new Promise<unknown>((resolve) => child.once('message', resolve)), exited]);
  await reply(); // 'ready'
  return {
    run: async (command) => {
      const replied = reply();
      child.send(command);
      return ((await replied) as { won: string[] }).won;
    },
  };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const event = (n: number): NewEvent => ({ type: 'FromTest', data: { n, pid: process.pid }, metadata: { siteId: 's' } });

// Starting a second Node process takes a moment; bounds on delivery are generous (seconds).
jest.setTimeout(30_000);

describe('SqliteEventStore shared by two processes', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'event-store-mp-'));
    file = join(dir, 'events.sqlite');
    store = new SqliteEventStore(file);
  });
  afterEach(async () => {
    await store.close();
    children.forEach((child) => child.exitCode === null && child.signalCode === null && child.kill());
    children.clear();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses and duplicates no revision when both append to one stream at once', async () => {
    const stream = 'shared-s.1';
    const second = await startSecondProcess(file);
    let secondDone = false;
    const done = second.run({ op: 'any', stream, count: 300 }).finally(() => (secondDone = true));
    // This process appends for as long as the other one does, so their appends overlap.
    let mine = 0;
    while (!secondDone) {
      await store.append(stream, [event(mine++)], 'any');
      await nextTurn();
    }
    await done;

    const events = await store.readStream(stream);
    expect(events.map((e) => e.revision)).toEqual(range(300 + mine));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e, i) => i === 0 || e.globalPosition > events[i - 1].globalPosition)).toBe(true);
    const byProcess = (type: string) => events.filter((e) => e.type === type).map((e) => (e.data as { n: number }).n);
    expect(byProcess('FromChild')).toEqual(range(300));
    expect(byProcess('FromTest')).toEqual(range(mine));
  });

  it('lets exactly one process win each append with the same expected revision', async () => {
    const streams = range(300).map((i) => `race-s.${i}`);
    for (const stream of streams) await store.append(stream, [event(0)], 'no_stream');
    const second = await startSecondProcess(file);
    const theirs = second.run({ op: 'race', streams });
    const mine: string[] = [];
    for (const stream of streams) {
      try {
        await store.append(stream, [event(1)], 0);
        mine.push(stream);
      } catch (error) {
        if (!isWrongExpectedRevision(error)) throw error;
      }
      await nextTurn();
    }
    const won = [...mine, ...(await theirs)];

    expect(won.sort()).toEqual([...streams].sort());
    for (const stream of streams) expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1]);
  });

  it("delivers the other process's appends to a subscription here", async () => {
    const seen: RecordedEvent[] = [];
    let allSeen: () => void;
    const all = new Promise<void>((resolve) => (allSeen = resolve));
    const subscription = store.subscribeAll(
      (e) => {
        seen.push(e);
        if (seen.length === 50) allSeen();
      },
      { streamPrefixes: ['live-s.'] },
    );
    const second = await startSecondProcess(file);
    await second.run({ op: 'any', stream: 'live-s.1', count: 50 });
    await within(all, 10_000, "the other process's events");
    await subscription.close();
    expect(seen.map((e) => [e.type, e.revision])).toEqual(range(50).map((n) => ['FromChild', n]));
  });
});
