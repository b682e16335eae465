import { AppError } from '@cp/errors';
import { handleCommand } from './command-handler';
import { InMemoryEventStore } from './in-memory-event-store';
import { RecordedEvent } from './event-store.port';

const metadata = () => ({ siteId: 's' });
/** A counter: its state is the sum of the `n` of its events. */
const sum = (events: RecordedEvent[], from = 0) => events.reduce((total, event) => total + (event.data as { n: number }).n, from);
const add = (n: number) => (state: number) => ({ events: [{ type: 'Added', data: { n } }], result: state + n });

describe('handleCommand', () => {
  it('decides on the folded stream and appends with the revision it read', async () => {
    const store = new InMemoryEventStore();
    expect((await handleCommand(store, 'counter-1', sum, add(2), { metadata })).result).toBe(2);
    const { result, appended } = await handleCommand(store, 'counter-1', sum, add(3), { metadata });
    expect(result).toBe(5);
    expect(appended).toMatchObject({ revision: 1 });
  });

  it('appends nothing when the decision has no events', async () => {
    const store = new InMemoryEventStore();
    const { appended, revision } = await handleCommand(store, 'counter-1', sum, (state) => ({ events: [], result: state }), { metadata });
    expect(appended).toBeUndefined();
    expect(revision).toBe(-1); // no stream
    expect(await store.readStream('counter-1')).toEqual([]);
  });

  it('decides again on what a concurrent writer appended, and gives up with CONTENDED', async () => {
    const store = new InMemoryEventStore();
    let raced = 0;
    // A writer that gets in between the read and the append, twice.
    const racing = async (state: number) => {
      if (raced++ < 2) await store.append('counter-1', [{ type: 'Added', data: { n: 10 }, metadata: metadata() }], 'any');
      return add(1)(state);
    };
    expect((await handleCommand(store, 'counter-1', sum, racing, { metadata })).result).toBe(21);

    const always = async (state: number) => {
      await store.append('counter-2', [{ type: 'Added', data: { n: 1 }, metadata: metadata() }], 'any');
      return add(1)(state);
    };
    const error = await handleCommand(store, 'counter-2', sum, always, { metadata }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONTENDED' });
  });

  it('with a known state, reads only the events after its revision and folds them onto it', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, 'counter-1', sum, add(2), { metadata });
    const read = jest.spyOn(store, 'readStream');
    // The caller knows revision 0 (state 2); someone else appended revision 1 since.
    await store.append('counter-1', [{ type: 'Added', data: { n: 5 }, metadata: metadata() }], 0);
    const { result, appended } = await handleCommand(store, 'counter-1', sum, add(1), { metadata, known: { state: 2, revision: 0 } });
    expect(read).toHaveBeenCalledWith('counter-1', { fromRevision: 1 });
    expect(result).toBe(8);
    expect(appended).toMatchObject({ revision: 2 });
    // Nothing after what it knows: expects the known revision.
    const next = await handleCommand(store, 'counter-1', sum, add(1), { metadata, known: { state: 8, revision: 2 } });
    expect(next.appended).toMatchObject({ revision: 3 });
    await expect(handleCommand(store, 'counter-1', sum, add(1), { metadata, known: { state: 8, revision: 2 } })).resolves.toMatchObject({ result: 10, revision: 4 });
    // Nothing decided: the revision read, after what it knew.
    const unchanged = await handleCommand(store, 'counter-1', sum, (state) => ({ events: [], result: state }), { metadata, known: { state: 10, revision: 3 } });
    expect(unchanged).toMatchObject({ result: 11, revision: 4 });
  });
});
