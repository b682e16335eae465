import { RequestContext } from '@cp/contracts';
import { InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { LabelCommands } from './label-commands';
import { labelIntegrationEvents } from './label-integration-events';
import { LabelQueries } from './label-queries';
import { LabelsProjection } from './labels-projection';

const site = (siteId: string): RequestContext => ({ siteId, actor: { type: 'API_KEY', id: 'k' }, correlationId: 'c' });
const logger = { error: jest.fn(), warn: jest.fn() };

/** The labels context on a store: its projection running, commands waiting on it, queries reading it. */
async function labelsOn(events: InMemoryEventStore, readStore = new EmbeddedReadStore(), quota = 100) {
  const projection = new LabelsProjection(events, readStore, logger);
  await projection.start();
  const commands = new LabelCommands(events, projection, quota);
  return { projection, commands, queries: new LabelQueries(events, readStore, commands) };
}

describe('labels: commands, read model and queries', () => {
  let events: InMemoryEventStore;
  let labels: Awaited<ReturnType<typeof labelsOn>>;

  beforeEach(async () => {
    events = new InMemoryEventStore();
    labels = await labelsOn(events);
  });
  afterEach(() => labels.projection.stop());

  it('opens each site with its system labels on first read', async () => {
    const page = await labels.queries.list(site('s1'), {});
    expect(page.items.map((l) => l.key).sort()).toEqual(['contacts.contacted-me', 'contacts.customers']);
    expect((await events.readStream('labels-s1')).map((e) => e.type)).toEqual(['LabelCatalogOpened']);
  });

  it('re-decides on a concurrent change: parallel find-or-create of one name makes one label', async () => {
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => labels.commands.findOrCreate(site('s1'), 'VIP')));
    expect(outcomes.filter((o) => o.newLabel)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.label.key))).toEqual(new Set(['custom.vip']));
    const stream = await events.readStream('labels-s1');
    expect(stream.filter((e) => e.type === 'LabelCreated')).toHaveLength(1);
    expect(stream.filter((e) => e.type === 'LabelCatalogOpened')).toHaveLength(1);
  });

  it('answers Find Or Create and Rename with the label after the change', async () => {
    const created = await labels.commands.findOrCreate(site('s1'), ' Gold ');
    expect(created).toEqual({ label: expect.objectContaining({ key: 'custom.gold', displayName: 'Gold', labelType: 'USER_DEFINED' }), newLabel: true });
    expect(created.label.createdDate).toEqual(created.label.updatedDate);
    expect(await labels.commands.findOrCreate(site('s1'), 'Gold')).toEqual({ label: created.label, newLabel: false });
    expect((await labels.commands.rename(site('s1'), 'custom.gold', 'Platinum')).label).toMatchObject({ key: 'custom.gold', displayName: 'Platinum' });
    expect((await labels.commands.rename(site('s1'), 'custom.gold', 'Platinum')).label).toMatchObject({ displayName: 'Platinum' });
    expect((await events.readStream('labels-s1')).map((e) => e.type)).toEqual(['LabelCatalogOpened', 'LabelCreated', 'LabelRenamed']);
  });

  it('shows its writes at once in get, list and query, per site', async () => {
    await labels.commands.findOrCreate(site('s1'), 'Gold');
    await labels.commands.rename(site('s1'), 'custom.gold', 'Platinum');
    expect(await labels.queries.get(site('s1'), 'custom.gold')).toMatchObject({ displayName: 'Platinum' });
    expect((await labels.queries.query(site('s1'), { filter: { displayName: { $startsWith: 'plat' } } })).items).toHaveLength(1);
    await expect(labels.queries.get(site('s2'), 'custom.gold')).rejects.toMatchObject({ code: 'LABEL_NOT_FOUND', message: 'No label with key custom.gold' });
    await labels.commands.delete(site('s1'), 'custom.gold');
    expect((await labels.queries.list(site('s1'), { type: 'USER_DEFINED' })).items).toEqual([]);
    await expect(labels.queries.get(site('s1'), 'custom.gold')).rejects.toMatchObject({ code: 'LABEL_NOT_FOUND' });
  });

  it('lists by type, namespace and prefix, sorted and paged', async () => {
    for (const name of ['Beta', 'Alpha', 'Alps']) await labels.commands.findOrCreate(site('s1'), name);
    const list = (payload: Parameters<LabelQueries['list']>[1]) => labels.queries.list(site('s1'), payload).then((page) => page.items.map((l) => l.displayName));
    expect(await list({ type: 'SYSTEM' })).toEqual(expect.arrayContaining(['Contacted Me', 'Customers']));
    expect(await list({ type: 'UNKNOWN', namespace: 'custom', startsWith: 'Al', sort: { fieldName: 'displayName', order: 'ASC' } })).toEqual(['Alpha', 'Alps']);
    const page = await labels.queries.query(site('s1'), { filter: { labelType: 'USER_DEFINED' }, sort: [{ fieldName: 'displayName' }], paging: { limit: 2, offset: 1 } });
    expect(page).toEqual({ items: [expect.objectContaining({ displayName: 'Alps' }), expect.objectContaining({ displayName: 'Beta' })], paging: { count: 2, offset: 1, total: 3, tooManyToCount: false } });
    await expect(labels.queries.query(site('s1'), { filter: { dataType: 'TEXT' } })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
  });

  it('reads the stream when the read model has not got a label yet (a write through another instance)', async () => {
    const elsewhere = new LabelCommands(events, { waitFor: async () => undefined }, 100);
    const unprojected = new LabelQueries(events, new EmbeddedReadStore(), elsewhere);
    await elsewhere.findOrCreate(site('s1'), 'VIP');
    expect(await unprojected.get(site('s1'), 'custom.vip')).toMatchObject({ key: 'custom.vip', displayName: 'VIP' });
  });

  it('stops at the quota it was given', async () => {
    const small = await labelsOn(events, new EmbeddedReadStore(), 1);
    await small.commands.findOrCreate(site('s3'), 'One');
    await expect(small.commands.findOrCreate(site('s3'), 'Two')).rejects.toMatchObject({ code: 'LABELS_QUOTA_REACHED', data: { labelsQuota: 1, labelsCurrentTotal: 1 } });
    await small.projection.stop();
  });

  it('rebuilds the same read model from zero, and ignores redelivered events', async () => {
    await labels.commands.findOrCreate(site('s1'), 'A');
    await labels.commands.findOrCreate(site('s1'), 'B');
    await labels.commands.rename(site('s1'), 'custom.a', 'A2');
    const live = await labels.queries.list(site('s1'), {});
    const rebuiltStore = new EmbeddedReadStore();
    const rebuilt = await labelsOn(events, rebuiltStore);
    await rebuilt.projection.runner.waitUntilCaughtUp();
    expect(await rebuilt.queries.list(site('s1'), {})).toEqual(live);
    await rebuilt.projection.stop();
    await rebuiltStore.collection('projection_checkpoints').deleteMany({});
    const again = await labelsOn(events, rebuiltStore);
    await again.projection.runner.waitUntilCaughtUp();
    expect(await again.queries.list(site('s1'), {})).toEqual(live);
    await again.projection.stop();
  });

  it('turns label events into one integration event per label, in order', async () => {
    await labels.commands.findOrCreate(site('s1'), 'VIP');
    await labels.commands.rename(site('s1'), 'custom.vip', 'Very Important');
    await labels.commands.delete(site('s1'), 'custom.vip');
    const integration = (await events.readAll()).flatMap(labelIntegrationEvents);
    expect(integration.map((e) => [e.type, e.entityId, e.sequence, e.source])).toEqual([
      ['LabelCreated', 'contacts.contacted-me', 0, 'labels'],
      ['LabelCreated', 'contacts.customers', 0, 'labels'],
      ['LabelCreated', 'custom.vip', 1, 'labels'],
      ['LabelRenamed', 'custom.vip', 2, 'labels'],
      ['LabelDeleted', 'custom.vip', 3, 'labels'],
    ]);
    expect(integration[3].data).toEqual({ key: 'custom.vip', displayName: 'Very Important' });
    expect(new Set(integration.map((e) => e.id)).size).toBe(5);
    expect(labelIntegrationEvents({ ...(await events.readAll())[1], streamId: 'extendedfields-s1' })).toEqual([]);
  });
});
