import { KeyedPipeline } from './keyed-pipeline';

/** A piece of work that finishes when told to, recording when it started. */
function gate(log: string[], name: string) {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { work: () => (log.push(`start ${name}`), done), open: () => open(), fail: (error: Error) => fail(error) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedPipeline', () => {
  it('runs one key strictly in order and other keys alongside', async () => {
    const log: string[] = [];
    const pipeline = new KeyedPipeline(10);
    const [a1, a2, b1] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'b1')];
    const done = [pipeline.run(['a'], a1.work), pipeline.run(['a'], a2.work), pipeline.run(['b'], b1.work)];
    await turn();
    expect(log).toEqual(['start a1', 'start b1']);
    a1.open();
    await turn();
    expect(log).toEqual(['start a1', 'start b1', 'start a2']);
    a2.open();
    b1.open();
    await Promise.all(done);
  });

  it('starts a piece of several keys after the earlier work of each', async () => {
    const log: string[] = [];
    const pipeline = new KeyedPipeline(10);
    const [a, b, ab] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'ab')];
    const done = [pipeline.run(['a'], a.work), pipeline.run(['b'], b.work), pipeline.run(['a', 'b'], ab.work)];
    a.open();
    await turn();
    expect(log).toEqual(['start a', 'start b']);
    b.open();
    await turn();
    expect(log).toEqual(['start a', 'start b', 'start ab']);
    ab.open();
    await Promise.all(done);
  });

  it('does not run what follows a failure under the same key, and runs the other keys', async () => {
    const log: string[] = [];
    const pipeline = new KeyedPipeline(10);
    const [a1, a2, b1] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'b1')];
    const first = pipeline.run(['a'], a1.work);
    const second = pipeline.run(['a'], a2.work);
    const other = pipeline.run(['b'], b1.work);
    a1.fail(new Error('broker away'));
    b1.open();
    await expect(first).rejects.toThrow('broker away');
    await expect(second).rejects.toThrow('broker away');
    await expect(other).resolves.toBeUndefined();
    expect(log).toEqual(['start a1', 'start b1']);
  });

  it('has room again once a piece in flight finishes', async () => {
    const log: string[] = [];
    const pipeline = new KeyedPipeline(2);
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    const running = [pipeline.run(['a'], a.work), pipeline.run(['b'], b.work)];
    let roomy = false;
    const room = pipeline.room().then(() => (roomy = true));
    await turn();
    expect(roomy).toBe(false);
    b.open();
    await room;
    expect(roomy).toBe(true);
    a.open();
    await Promise.all(running);
  });
});
