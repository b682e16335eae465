import { InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication } from './index';
import { siteA, startContacts, stopContacts } from './test/contacts-test-kit';

/**
 * How far `work` had got (`progress()`) at each turn of the event loop that other work — an
 * HTTP request, a health check — got while it ran. The in-memory store answers without I/O, so
 * a loop that never yields lets no turn happen until it is done.
 */
async function progressAtEachTurn(work: () => Promise<void>, progress: () => number): Promise<number[]> {
  const seen: number[] = [];
  let running = true;
  const turn = () => {
    if (!running) return;
    seen.push(progress());
    setImmediate(turn);
  };
  setImmediate(turn);
  await work();
  running = false;
  return seen;
}

describe('long work yields to other requests', () => {
  const COUNT = 400;
  let app: ContactsApplication;

  beforeAll(async () => {
    app = await startContacts(new InMemoryEventStore(), new EmbeddedReadStore());
    for (let i = 0; i < COUNT; i++) await app.commands.create(siteA, { info: { name: { first: `Y${i}` }, labelKeys: { items: ['custom.vip'] } } });
  });
  afterAll(async () => {
    await stopContacts(app);
  });

  const midway = (seen: number[]) => seen.filter((done) => done > 0 && done < COUNT);

  it('a bulk job lets other work run between its contacts', async () => {
    const updates = jest.spyOn(app.commands, 'updateLatest');
    const seen = await progressAtEachTurn(async () => {
      await app.bulkJobs.create(siteA, { type: 'UPDATE', filter: {}, info: { company: 'Sliced' } });
      await app.bulkJobs.idle();
    }, () => updates.mock.calls.length);
    expect(midway(seen).length).toBeGreaterThan(0);
    expect((await app.queries.query(siteA, { filter: { 'info.company': 'Sliced' } })).pagingMetadata.total).toBe(COUNT);
  });

  it('removing a deleted label from every contact lets other work run meanwhile', async () => {
    const removals = jest.spyOn(app.commands, 'removeDefinition');
    const deletion = { id: 'e1', type: 'LabelDeleted', source: 'labels', siteId: 'site-a', entityId: 'custom.vip', sequence: 9, occurredAt: 'now', data: { key: 'custom.vip' } };
    const seen = await progressAtEachTurn(() => app.definitionEvents.onLabelEvent(deletion), () => removals.mock.calls.length);
    expect(midway(seen).length).toBeGreaterThan(0);
    expect((await app.queries.query(siteA, { filter: { 'info.labelKeys': { $hasSome: ['custom.vip'] } } })).pagingMetadata.total).toBe(0);
  });
});
