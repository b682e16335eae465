import { randomUUID } from 'node:crypto';
import { EventStore, isWrongExpectedRevision, NewEvent, PartialAppendError, RecordedEvent, WrongExpectedRevisionError } from '@cp/event-store';

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

    it('keeps the trace context an event was written in, and gives none to an event written without', async () => {
      const id = stream('trace');
      const traceContext = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=x' };
      await store.append(id, [{ ...event('Traced'), metadata: { ...event('Traced').metadata, traceContext } }, event('Untraced')], 'no_stream');
      const [traced, untraced] = await store.readStream(id);
      expect(traced.traceContext).toEqual(traceContext);
      expect('traceContext' in untraced).toBe(false);
    });

    it('keeps the idempotency key and digest an event was written with, for readers and subscribers alike', async () => {
      const id = stream('idempotent');
      const idempotency = { key: 'client-key-1', fingerprint: 'f'.repeat(64) };
      await store.append(id, [{ ...event('Keyed'), metadata: { ...event('Keyed').metadata, idempotency } }, event('Unkeyed')], 'no_stream');
      const [keyed, unkeyed] = await store.readStream(id);
      expect(keyed.idempotency).toEqual(idempotency);
      expect('idempotency' in unkeyed).toBe(false);
      const [fromAll] = await store.readAll({ after: keyed.globalPosition - 1, limit: 1 });
      expect(fromAll.idempotency).toEqual(idempotency);
    });

    it('returns the events it stored exactly as a reader reads them, where it returns them at all', async () => {
      const id = stream('recorded');
      const other = stream('recorded-other');
      const results = await store.appendToStreams([
        { streamId: id, events: [event('A', { n: 1, gone: undefined, nested: { list: [1, 'two'] } }), event('B')], expected: 'no_stream' },
        { streamId: other, events: [event('C')], expected: 'no_stream' },
      ]);
      if (results.some((result) => result.recorded === undefined)) {
        // A store that cannot say each event's position (EventStoreDB) returns none, for no stream.
        expect(results.every((result) => result.recorded === undefined)).toBe(true);
        return;
      }
      expect(results[0].recorded).toStrictEqual(await store.readStream(id));
      expect(results[1].recorded).toStrictEqual(await store.readStream(other));
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

    it('reads a stream from a revision on', async () => {
      const id = stream('from');
      await store.append(id, [event('A'), event('B'), event('C')], 'no_stream');
      expect((await store.readStream(id, { fromRevision: 1 })).map((e) => [e.type, e.revision])).toEqual([
        ['B', 1],
        ['C', 2],
      ]);
      expect(await store.readStream(id, { fromRevision: 3 })).toEqual([]);
      expect((await store.readStream(id, { fromRevision: 0 })).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    it('reads at most maxCount events of a stream', async () => {
      const id = stream('count');
      await store.append(id, [event('A'), event('B'), event('C')], 'no_stream');
      expect((await store.readStream(id, { fromRevision: 1, maxCount: 1 })).map((e) => e.type)).toEqual(['B']);
      expect((await store.readStream(id, { maxCount: 2 })).map((e) => e.type)).toEqual(['A', 'B']);
      expect((await store.readStream(id, { fromRevision: 2, maxCount: 5 })).map((e) => e.type)).toEqual(['C']);
    });

    it('appends to several streams, each with its own expected revision, in the order given', async () => {
      const [a, b, c] = [stream('multi-a'), stream('multi-b'), stream('multi-c')];
      await store.append(b, [event('B0')], 'no_stream');
      const results = await store.appendToStreams([
        { streamId: a, events: [event('A0'), event('A1')], expected: 'no_stream' },
        { streamId: b, events: [event('B1')], expected: 0 },
        { streamId: c, events: [event('C0')], expected: 'any' },
      ]);
      expect(results.map((r) => r.revision)).toEqual([1, 1, 0]);
      const [readA, readB, readC] = await Promise.all([a, b, c].map((id) => store.readStream(id)));
      expect(readA.map((e) => e.type)).toEqual(['A0', 'A1']);
      expect(readB.map((e) => e.type)).toEqual(['B0', 'B1']);
      expect(readC.map((e) => e.type)).toEqual(['C0']);
      expect(results.map((r) => r.position)).toEqual([readA[1].globalPosition, readB[1].globalPosition, readC[0].globalPosition]);
      expect(readA[1].globalPosition).toBeLessThan(readB[1].globalPosition);
      expect(readB[1].globalPosition).toBeLessThan(readC[0].globalPosition);
    });

    it('on a refused expectation in a multi-stream append, writes all or nothing where the store is atomic, else says what landed', async () => {
      const [a, b] = [stream('multi-first'), stream('multi-refused')];
      await store.append(b, [event('B0')], 'no_stream');
      const failure = await store
        .appendToStreams([
          { streamId: a, events: [event('A0')], expected: 'no_stream' },
          { streamId: b, events: [event('B1')], expected: 'no_stream' },
        ])
        .then(() => undefined, (error: unknown) => error);
      if (store.atomicMultiStreamAppend) {
        expect(isWrongExpectedRevision(failure)).toBe(true);
        expect((failure as WrongExpectedRevisionError).streamId).toBe(b);
        expect(await store.readStream(a)).toEqual([]);
      } else {
        expect(failure).toBeInstanceOf(PartialAppendError);
        expect((failure as PartialAppendError).appended).toHaveLength(1);
        expect(isWrongExpectedRevision((failure as PartialAppendError).cause)).toBe(true);
        expect((await store.readStream(a)).map((e) => e.type)).toEqual(['A0']);
      }
      expect((await store.readStream(b)).map((e) => e.type)).toEqual(['B0']);
    });

    it('refuses a multi-stream append that names a stream twice, writing nothing', async () => {
      const id = stream('twice');
      const other = stream('twice-other');
      await expect(
        store.appendToStreams([
          { streamId: other, events: [event('A')], expected: 'no_stream' },
          { streamId: id, events: [event('B')], expected: 'no_stream' },
          { streamId: id, events: [event('C')], expected: 'no_stream' },
        ]),
      ).rejects.toThrow('appears twice');
      expect(await store.readStream(id)).toEqual([]);
      expect(await store.readStream(other)).toEqual([]);
    });

    it('lets exactly one of two concurrent multi-stream appends on a shared stream win', async () => {
      const [shared, x, y] = [stream('multi-shared'), stream('multi-x'), stream('multi-y')];
      const results = await Promise.allSettled([
        store.appendToStreams([
          { streamId: shared, events: [event('S1')], expected: 'no_stream' },
          { streamId: x, events: [event('X')], expected: 'no_stream' },
        ]),
        store.appendToStreams([
          { streamId: shared, events: [event('S2')], expected: 'no_stream' },
          { streamId: y, events: [event('Y')], expected: 'no_stream' },
        ]),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store.readStream(shared)).toHaveLength(1);
      const written = (await store.readStream(x)).length + (await store.readStream(y)).length;
      expect(written).toBe(1);
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

    describe('readAll by stream prefix', () => {
      // Site keys of this run: `a` is a prefix of `ab`, as one site's key can be of another's.
      let feed: (site: string) => string;
      let a: string, ab: string, b: string;
      let head: number;
      const types = (events: RecordedEvent[]) => events.map((e) => e.type);

      beforeEach(async () => {
        const run = randomUUID().replace(/-/g, '');
        feed = (site) => `feed-${run}${site}.`;
        [a, ab, b] = [`${feed('a')}1`, `${feed('ab')}1`, `${feed('b')}1`];
        head = await store.headPosition();
        // Other streams between the wanted events, so a limit applied before the filter shows.
        await store.append(ab, [event('AB1')], 'no_stream');
        await store.append(a, [event('A1')], 'no_stream');
        await store.append(b, [event('B1'), event('B2')], 'no_stream');
        await store.append(ab, [event('AB2')], 0);
        await store.append(a, [event('A2'), event('A3')], 0);
      });

      it('reads only the events of streams with one of the prefixes, in global order', async () => {
        expect(types(await store.readAll({ after: head, streamPrefixes: [feed('a')] }))).toEqual(['A1', 'A2', 'A3']);
        expect(types(await store.readAll({ after: head, streamPrefixes: [feed('b'), feed('a')] }))).toEqual(['A1', 'B1', 'B2', 'A2', 'A3']);
        expect(await store.readAll({ after: head, streamPrefixes: [feed('none')] })).toEqual([]);
      });

      it('does not leak a site whose key the prefix begins when the prefix ends with the separator', async () => {
        expect(types(await store.readAll({ after: head, streamPrefixes: [feed('ab')] }))).toEqual(['AB1', 'AB2']);
        expect((await store.readAll({ after: head, streamPrefixes: [feed('a')] })).every((e) => e.streamId === a)).toBe(true);
      });

      it('counts the events returned against the limit', async () => {
        expect(types(await store.readAll({ after: head, limit: 2, streamPrefixes: [feed('a')] }))).toEqual(['A1', 'A2']);
        expect(types(await store.readAll({ after: head, limit: 1, streamPrefixes: [feed('a'), feed('b')] }))).toEqual(['A1']);
      });

      it('reads strictly after a position, so a cursor pages through one site in order', async () => {
        const [first] = await store.readAll({ after: head, limit: 1, streamPrefixes: [feed('a')] });
        expect(types(await store.readAll({ after: first.globalPosition, streamPrefixes: [feed('a')] }))).toEqual(['A2', 'A3']);
        const paged: RecordedEvent[] = [];
        for (let cursor = head; ; ) {
          const page = await store.readAll({ after: cursor, limit: 2, streamPrefixes: [feed('ab'), feed('b')] });
          if (page.length === 0) break;
          paged.push(...page);
          cursor = page[page.length - 1].globalPosition;
        }
        expect(types(paged)).toEqual(['AB1', 'B1', 'B2', 'AB2']);
      });

      it('reads every stream with no prefixes or an empty list', async () => {
        const mine = (events: RecordedEvent[]) => types(events.filter((e) => [a, ab, b].includes(e.streamId)));
        const all = ['AB1', 'A1', 'B1', 'B2', 'AB2', 'A2', 'A3'];
        expect(mine(await store.readAll({ after: head, streamPrefixes: [] }))).toEqual(all);
        expect(mine(await store.readAll({ after: head }))).toEqual(all);
      });
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
