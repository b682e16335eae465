import { RequestContext } from '@cp/contracts';
import { InMemoryEventStore } from '@cp/event-store';
import { SYSTEM_FIELDS } from '@cp/extended-fields-domain';
import { EmbeddedReadStore } from '@cp/read-store';
import { FieldCommands } from './field-commands';
import { fieldIntegrationEvents } from './field-integration-events';
import { FieldQueries } from './field-queries';
import { fieldToApi } from './field-view';
import { FieldsProjection } from './fields-projection';

const site = (siteId: string): RequestContext => ({ siteId, actor: { type: 'API_KEY', id: 'k' }, correlationId: 'c' });
const logger = { error: jest.fn(), warn: jest.fn() };

/** The extended-fields context on a store: its projection running, commands waiting on it, queries reading it. */
async function fieldsOn(events: InMemoryEventStore, readStore = new EmbeddedReadStore()) {
  const projection = new FieldsProjection(events, readStore, logger);
  await projection.start();
  const commands = new FieldCommands(events, projection);
  return { projection, commands, queries: new FieldQueries(events, readStore, commands) };
}

describe('extended fields: commands, read model and queries', () => {
  let events: InMemoryEventStore;
  let fields: Awaited<ReturnType<typeof fieldsOn>>;

  beforeEach(async () => {
    events = new InMemoryEventStore();
    fields = await fieldsOn(events);
  });
  afterEach(() => fields.projection.stop());

  it('opens each site with its system fields on first read, pages of 100 by default', async () => {
    const page = await fields.queries.list(site('s1'), {});
    expect(page.items.map((f) => f.key).sort()).toEqual(SYSTEM_FIELDS.map((f) => f.key).sort());
    expect(page.paging).toEqual({ count: SYSTEM_FIELDS.length, offset: 0, total: SYSTEM_FIELDS.length, tooManyToCount: false });
    expect((await events.readStream('extendedfields-s1')).map((e) => e.type)).toEqual(['ExtendedFieldCatalogOpened']);
    expect(await fields.queries.get(site('s1'), 'invoices.vatId')).toMatchObject({ writable: true, fieldType: 'SYSTEM' });
  });

  it('re-decides on a concurrent change: parallel find-or-create of one name makes one field', async () => {
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => fields.commands.findOrCreate(site('s1'), 'Shoe size', 'NUMBER')));
    expect(outcomes.filter((o) => o.newField)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.field.key))).toEqual(new Set(['custom.shoe-size']));
    const stream = await events.readStream('extendedfields-s1');
    expect(stream.filter((e) => e.type === 'ExtendedFieldCreated')).toHaveLength(1);
    expect(stream.filter((e) => e.type === 'ExtendedFieldCatalogOpened')).toHaveLength(1);
  });

  it('answers with the field after the change and shows it at once in get, list and query, per site', async () => {
    const created = await fields.commands.findOrCreate(site('s1'), 'Tier', 'TEXT');
    expect(created).toEqual({ field: expect.objectContaining({ key: 'custom.tier', dataType: 'TEXT', fieldType: 'USER_DEFINED' }), newField: true });
    expect(await fields.commands.findOrCreate(site('s1'), 'Tier', 'NUMBER')).toEqual({ field: created.field, newField: false });
    expect((await fields.commands.rename(site('s1'), 'custom.tier', 'Level')).field).toMatchObject({ displayName: 'Level' });
    expect(await fields.queries.get(site('s1'), 'custom.tier')).toMatchObject({ displayName: 'Level' });
    expect((await fields.queries.query(site('s1'), { filter: { dataType: 'TEXT', fieldType: 'USER_DEFINED' } })).items.map((f) => f.key)).toEqual(['custom.tier']);
    expect((await fields.queries.list(site('s1'), { type: 'USER_DEFINED' })).items.map((f) => f.key)).toEqual(['custom.tier']);
    await expect(fields.queries.get(site('s2'), 'custom.tier')).rejects.toMatchObject({ code: 'EXTENDED_FIELD_NOT_FOUND', message: 'No extended field with key custom.tier' });
    await fields.commands.delete(site('s1'), 'custom.tier');
    expect((await fields.queries.list(site('s1'), { type: 'USER_DEFINED' })).items).toEqual([]);
    await expect(fields.commands.delete(site('s1'), 'invoices.vatId')).rejects.toMatchObject({ code: 'EXTENDED_FIELD_NOT_EDITABLE' });
  });

  it('reads the stream when the read model has not got a field yet (a write through another instance)', async () => {
    const elsewhere = new FieldCommands(events, { waitFor: async () => undefined });
    const unprojected = new FieldQueries(events, new EmbeddedReadStore(), elsewhere);
    await elsewhere.findOrCreate(site('s1'), 'Score', 'NUMBER');
    expect(await unprojected.get(site('s1'), 'custom.score')).toMatchObject({ key: 'custom.score', dataType: 'NUMBER' });
  });

  it('rebuilds the same read model from zero', async () => {
    await fields.commands.findOrCreate(site('s1'), 'A', 'TEXT');
    await fields.commands.rename(site('s1'), 'custom.a', 'A2');
    const live = await fields.queries.list(site('s1'), {});
    const rebuilt = await fieldsOn(events);
    await rebuilt.projection.runner.waitUntilCaughtUp();
    expect(await rebuilt.queries.list(site('s1'), {})).toEqual(live);
    await rebuilt.projection.stop();
  });

  it('turns field events into one integration event per field, whole, in order', async () => {
    await fields.commands.findOrCreate(site('s1'), 'Tier', 'TEXT');
    await fields.commands.delete(site('s1'), 'custom.tier');
    const integration = (await events.readAll()).flatMap(fieldIntegrationEvents);
    expect(integration.map((e) => [e.type, e.entityId, e.sequence, e.source])).toEqual([
      ...SYSTEM_FIELDS.map((f) => ['ExtendedFieldCreated', f.key, 0, 'extended-fields']),
      ['ExtendedFieldCreated', 'custom.tier', 1, 'extended-fields'],
      ['ExtendedFieldDeleted', 'custom.tier', 2, 'extended-fields'],
    ]);
    expect(integration.find((e) => e.entityId === 'invoices.vatId')!.data).toMatchObject({ writable: true });
    expect(new Set(integration.map((e) => e.id)).size).toBe(integration.length);
  });
});

describe('a field as the API shows it', () => {
  it('has no writable flag', () => {
    expect(fieldToApi(SYSTEM_FIELDS.find((f) => f.key === 'invoices.vatId')!)).not.toHaveProperty('writable');
  });
});
