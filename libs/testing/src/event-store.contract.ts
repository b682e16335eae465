import { randomUUID } from 'node:crypto';
import { EventStore, isWrongExpectedRevision, NewEvent, RecordedEvent, WrongExpectedRevisionError } from '@cp/event-store';

/**
 * The behaviour every EventStore adapter must show. Streams get unique names and positions are
 * taken relative to the store's head, so the suite also runs against a shared, non-empty server.
 */
export function describeEventStoreContract(name: string, create: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    const stream = (label: string) => `test-${label}.${randomUUID().replace(/-/g, '')}`;
    const event = (type: string, data: Record<string, unknown> = {}, siteId = 'site-a'): NewEvent => ({
      type,
      data,
      metadata: { siteId, correlationId: 'corr-1', causationId: 'cause-1', actor: { type: 'API_KEY', id: 'key-1' } },
    });

    beforeEach(async () => {
      store = await create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('appends to a new stream with no_stream and numbers revisions from 0', async () => {
      const id = stream('new');
      const result = await store.append(id, [event('A'), event('B')], 'no_stream');
      expect(result.revision).toBe(1);
      const events = await store.readStream(id);
      expect(events.map((e) => [e.type, e.revision])).toEqual([
        ['A', 0],
        ['B', 1],
      ]);
      expect(events[1].globalPosition).toBeGreaterThan(events[0].globalPosition);
      expect(result.position).toBe(events[1].globalPosition);
    });

    it('keeps the envelope: site, correlation, causation, actor, time and data', async () => {
      const id = stream('envelope');
      const before = Date.now();
      await store.append(id, [event('Happened', { nested: { n: 1 }, list: ['x'] }, 'site-z')], 'no_stream');
      const [recorded] = await store.readStream(id);
      expect(recorded).toMatchObject({
        type: 'Happened',
        streamId: id,
        siteId: 'site-z',
        schemaVersion: 1,
        correlationId: 'corr-1',
        causationId: 'cause-1',
        actor: { type: 'API_KEY', id: 'key-1' },
        data: { nested: { n: 1 }, list: ['x'] },
      });
      expect(typeof recorded.id).toBe('string');
      expect(Date.parse(recorded.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
    });

    it('refuses no_stream on an existing stream and a stale revision, writing nothing', async () => {
      const id = stream('conflict');
      await store.append(id, [event('A')], 'no_stream');
      await expect(store.append(id, [event('B')], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await store.append(id, [event('B')], 0);
      await expect(store.append(id, [event('C'), event('D')], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(id)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('refuses an exact revision on a stream that does not exist', async () => {
      await expect(store.append(stream('missing'), [event('A')], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    });

    it('appends with any whatever the stream holds', async () => {
      const id = stream('any');
      await store.append(id, [event('A')], 'any');
      await store.append(id, [event('B')], 'any');
      expect((await store.readStream(id)).map((e) => e.revision)).toEqual([0, 1]);
    });

    it('lets exactly one of two concurrent appends with the same expectation win', async () => {
      const id = stream('race');
      await store.append(id, [event('A')], 'no_stream');
      const results = await Promise.allSettled([store.append(id, [event('B1')], 0), store.append(id, [event('B2')], 0)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(isWrongExpectedRevision(rejected.reason)).toBe(true);
      expect(await store.readStream(id)).toHaveLength(2);
    });

    it('reads an unknown stream as empty', async () => {
      expect(await store.readStream(stream('nothing'))).toEqual([]);
    });

    it('reads everything after a global position, in order, with a limit', async () => {
      const head = await store.headPosition();
      const a = stream('all-a');
      const b = stream('all-b');
      await store.append(a, [event('A1')], 'no_stream');
      await store.append(b, [event('B1')], 'no_stream');
      await store.append(a, [event('A2')], 0);
      const mine = (events: RecordedEvent[]) => events.filter((e) => e.streamId === a || e.streamId === b);
      const all = mine(await store.readAll({ after: head }));
      expect(all.map((e) => e.type)).toEqual(['A1', 'B1', 'A2']);
      const afterFirst = mine(await store.readAll({ after: all[0].globalPosition }));
      expect(afterFirst.map((e) => e.type)).toEqual(['B1', 'A2']);
      expect(await store.readAll({ after: head, limit: 2 })).toHaveLength(2);
      expect(await store.headPosition()).toBe(all[2].globalPosition);
    });

    it('subscribes: catches up from a position, then delivers live appends in order', async () => {
      const id = stream('sub');
      await store.append(id, [event('Before1')], 'no_stream');
      const start = await store.headPosition();
      await store.append(id, [event('Caught')], 0);
      const seen: string[] = [];
      let resolveDone: () => void;
      const done = new Promise<void>((resolve) => (resolveDone = resolve));
      const subscription = store.subscribeAll(
        (e) => {
          if (e.streamId !== id) return;
          seen.push(e.type);
          if (seen.length === 3) resolveDone();
        },
        { after: start },
      );
      await store.append(id, [event('Live1'), event('Live2')], 1);
      await done;
      await subscription.close();
      expect(seen).toEqual(['Caught', 'Live1', 'Live2']);
    });

    it('subscribes to some streams only: delivers theirs in order and reports reading past the rest', async () => {
      const wanted = stream('wanted');
      const other = stream('other');
      const start = await store.headPosition();
      await store.append(wanted, [event('W1')], 'no_stream');
      await store.append(other, [event('O1'), event('O2')], 'no_stream');
      await store.append(wanted, [event('W2')], 0);
      const seen: string[] = [];
      let readTo = start;
      const subscription = store.subscribeAll((e) => void seen.push(`${e.streamId === wanted ? 'wanted' : e.streamId}:${e.type}`), {
        after: start,
        streamPrefixes: [wanted],
        onPosition: (position) => (readTo = Math.max(readTo, position)),
      });
      await store.append(other, [event('O3')], 1); // live, and the last event: only progress shows it was read
      const head = await store.headPosition();
      const deadline = Date.now() + 10_000;
      while ((seen.length < 2 || readTo < head) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await subscription.close();
      expect(seen).toEqual(['wanted:W1', 'wanted:W2']);
      expect(readTo).toBeGreaterThanOrEqual(head);
    });

    it('stops delivering after close', async () => {
      const id = stream('closed');
      const seen: string[] = [];
      const subscription = store.subscribeAll((e) => {
        if (e.streamId === id) seen.push(e.type);
      }, { after: await store.headPosition() });
      await subscription.close();
      await store.append(id, [event('Late')], 'no_stream');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([]);
    });
  });
}
