import { inKeyOrder } from './in-key-order';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Work that records when each item starts and ends, and finishes after `turns` turns of the loop. */
function recorder(turns: (item: string) => number = () => 1) {
  const log: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const work = async (item: string) => {
    log.push(`start ${item}`);
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    for (let i = 0; i < turns(item); i++) await tick();
    inFlight--;
    log.push(`end ${item}`);
    return item.toUpperCase();
  };
  return { log, work, mostInFlight: () => mostInFlight };
}

describe('inKeyOrder', () => {
  it('answers in the items’ order, at most `concurrency` at once', async () => {
    const { work, mostInFlight } = recorder((item) => (item === 'a' ? 5 : 1));
    const results = await inKeyOrder(['a', 'b', 'c', 'd', 'e'], () => [], work, 3);
    expect(results).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(mostInFlight()).toBe(3);
  });

  it('runs items that share a key one after another, in their order, and others beside them', async () => {
    const { log, work } = recorder((item) => (item === 'a1' ? 4 : 1));
    const keys: Record<string, string[]> = { a1: ['ada@x.com'], b: ['bob@x.com'], a2: ['ada@x.com', 'phone:5550100'], c: ['phone:5550100'] };
    await inKeyOrder(Object.keys(keys), (item) => keys[item], work, 4);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start c')).toBeGreaterThan(log.indexOf('end a2')); // through a2's phone
    expect(log.indexOf('end b')).toBeLessThan(log.indexOf('end a1')); // b did not wait for a1
  });

  it('runs one at a time with a concurrency of 1', async () => {
    const { log, work } = recorder();
    await inKeyOrder(['a', 'b', 'c'], () => [], work, 1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('throws the first error once the started items have settled, and starts no more', async () => {
    const { log, work } = recorder((item) => (item === 'slow' ? 5 : 1));
    const failing = async (item: string, index: number) => {
      if (item === 'bad') {
        log.push('fail bad');
        throw new Error('broker gone');
      }
      return work(item, index);
    };
    await expect(inKeyOrder(['slow', 'bad', 'x', 'y', 'z'], () => [], failing, 2)).rejects.toThrow('broker gone');
    expect(log).toContain('end slow');
    expect(log.filter((entry) => entry.startsWith('start')).length).toBeLessThan(4);
    expect(log).not.toContain('start z');
  });

  it('does not run an item whose key waited on a failed one', async () => {
    const ran: string[] = [];
    const work = async (item: string) => {
      await tick();
      if (item === 'first') throw new Error('no');
      ran.push(item);
      return item;
    };
    await expect(inKeyOrder(['first', 'second'], () => ['same'], work, 2)).rejects.toThrow('no');
    expect(ran).toEqual([]);
  });
});
