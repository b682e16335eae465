import { InMemoryEventStore } from '@cp/event-store';
import { deleteLabel, findOrCreateLabel, LabelDefinition, renameLabel } from '@cp/labels-domain';
import { EmbeddedReadStore } from '@cp/read-store';
import { RequestContext } from '@cp/contracts';
import { catalogIntegrationEvents, CatalogService } from './index';
import { testLabelSpec } from './test/test-label-spec';

const spec = testLabelSpec;

const site = (siteId: string): RequestContext => ({ siteId, actor: { type: 'API_KEY', id: 'k' }, correlationId: 'c' });
const logger = { error: jest.fn(), warn: jest.fn() };

describe('CatalogService', () => {
  let events: InMemoryEventStore;
  let service: CatalogService<LabelDefinition>;

  beforeEach(async () => {
    events = new InMemoryEventStore();
    service = new CatalogService(spec, events, new EmbeddedReadStore(), logger);
    await service.projection.start();
  });
  afterEach(() => service.projection.stop());

  const findOrCreate = (context: RequestContext, name: string) =>
    service.decide(context, (state) => {
      const decided = findOrCreateLabel(state, name, 100);
      return { events: decided.events, result: decided };
    });

  it('opens each site with its system definitions on first read', async () => {
    const page = await service.list(site('s1'), {});
    expect(page.items.map((l) => l.key).sort()).toEqual(['contacts.contacted-me', 'contacts.customers']);
    expect((await events.readStream('labels-s1')).map((e) => e.type)).toEqual(['LabelCatalogOpened']);
  });

  it('re-decides on a concurrent change: parallel find-or-create of one name makes one definition', async () => {
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => findOrCreate(site('s1'), 'VIP')));
    expect(outcomes.filter((o) => o.result.newLabel)).toHaveLength(1);
    const stream = await events.readStream('labels-s1');
    expect(stream.filter((e) => e.type === 'LabelCreated')).toHaveLength(1);
    expect(stream.filter((e) => e.type === 'LabelCatalogOpened')).toHaveLength(1);
  });

  it('shows its writes at once in get, list and query, per site', async () => {
    await findOrCreate(site('s1'), 'Gold');
    await service.decide(site('s1'), (state) => ({ events: renameLabel(state, 'custom.gold', 'Platinum'), result: undefined }));
    expect(await service.get(site('s1'), 'custom.gold')).toMatchObject({ displayName: 'Platinum' });
    expect((await service.query(site('s1'), { filter: { displayName: { $startsWith: 'plat' } } })).items).toHaveLength(1);
    await expect(service.get(site('s2'), 'custom.gold')).rejects.toMatchObject({ code: 'LABEL_NOT_FOUND' });
    await service.decide(site('s1'), (state) => ({ events: deleteLabel(state, 'custom.gold'), result: undefined }));
    expect((await service.list(site('s1'), { type: 'USER_DEFINED' })).items).toEqual([]);
  });

  it('rebuilds the same read model from zero, and ignores redelivered events', async () => {
    await findOrCreate(site('s1'), 'A');
    await findOrCreate(site('s1'), 'B');
    await service.decide(site('s1'), (state) => ({ events: renameLabel(state, 'custom.a', 'A2'), result: undefined }));
    const live = await service.list(site('s1'), {});
    const rebuiltStore = new EmbeddedReadStore();
    const rebuilt = new CatalogService(spec, events, rebuiltStore, logger);
    await rebuilt.projection.start();
    await rebuilt.projection.runner.waitUntilCaughtUp();
    expect(await rebuilt.list(site('s1'), {})).toEqual(live);
    await rebuilt.projection.stop();
    await rebuiltStore.collection('projection_checkpoints').deleteMany({});
    const again = new CatalogService(spec, events, rebuiltStore, logger);
    await again.projection.start();
    await again.projection.runner.waitUntilCaughtUp();
    expect(await again.list(site('s1'), {})).toEqual(live);
    await again.projection.stop();
  });

  it('turns catalog events into one integration event per definition, in order', async () => {
    await findOrCreate(site('s1'), 'VIP');
    const integration = (await events.readAll()).flatMap((event) => catalogIntegrationEvents(spec, event));
    expect(integration.map((e) => [e.type, e.entityId, e.sequence])).toEqual([
      ['LabelCreated', 'contacts.contacted-me', 0],
      ['LabelCreated', 'contacts.customers', 0],
      ['LabelCreated', 'custom.vip', 1],
    ]);
    expect(new Set(integration.map((e) => e.id)).size).toBe(3);
  });
});
