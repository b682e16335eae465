import { derivedUuid } from '@cp/contracts';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { SYSTEM_FIELDS } from '@cp/extended-fields-domain';
import { FieldPublicEvents } from './field-public-events';

const tier = { key: 'custom.tier', namespace: 'custom', displayName: 'Tier', dataType: 'TEXT', fieldType: 'USER_DEFINED' };

const stream: RecordedEvent[] = [
  { type: 'ExtendedFieldCatalogOpened', data: { system: SYSTEM_FIELDS } },
  { type: 'ExtendedFieldCreated', data: tier },
  { type: 'ExtendedFieldRenamed', data: { key: 'custom.tier', displayName: 'Level' } },
  { type: 'ExtendedFieldDeleted', data: { key: 'custom.tier' } },
].map((event, revision) => ({
  ...event,
  id: `event-${revision}`,
  schemaVersion: 1,
  streamId: 'extendedfields-site-1',
  revision,
  globalPosition: revision + 1,
  siteId: 'site-1',
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, revision)).toISOString(),
  correlationId: `request-${revision}`,
  actor: { type: 'API_KEY', id: 'my-key' },
}));

const store = { readStream: async () => stream } as unknown as EventStore;

async function mapAll(mapper = new FieldPublicEvents(store)) {
  const out = [];
  for (const event of stream) out.push(await mapper.map(event));
  return out;
}

describe('extended-field public events', () => {
  it('opening a catalog creates each system field, one ordinal each, shown without `writable`', async () => {
    const [opened] = await mapAll();
    expect(opened.map((p) => [p.event.eventType, p.event.entityId, p.event.id, p.sourcePosition])).toEqual(
      SYSTEM_FIELDS.map((f, i) => ['wix.contacts.v4.extended-field_created', f.key, derivedUuid('event-0', i), [0, i]]),
    );
    expect(opened.every((p) => p.event.entityFqdn === 'wix.contacts.v4.extended_field')).toBe(true);
    const { writable: _writable, ...vat } = SYSTEM_FIELDS.find((f) => f.key === 'invoices.vatId')!;
    expect(opened.find((p) => p.event.entityId === 'invoices.vatId')!.event.createdEvent).toEqual({ entity: vat });
  });

  it('create, rename and delete carry the field as Get shows it', async () => {
    const [, [created], [renamed], [deleted]] = await mapAll();
    const t = (revision: number) => stream[revision].occurredAt;
    expect(created.event).toMatchObject({ eventType: 'wix.contacts.v4.extended-field_created', slug: 'created', entityId: 'custom.tier', createdEvent: { entity: { ...tier, createdDate: t(1), updatedDate: t(1) } } });
    const current = { ...tier, displayName: 'Level', createdDate: t(1), updatedDate: t(2) };
    expect(renamed.event).toMatchObject({ eventType: 'wix.contacts.v4.extended-field_updated', slug: 'updated', updatedEvent: { currentEntity: current } });
    expect(deleted.event).toMatchObject({ eventType: 'wix.contacts.v4.extended-field_deleted', slug: 'deleted', deletedEvent: { deletedEntity: current } });
    expect(deleted.sourcePosition).toEqual([3, 0]);
  });

  it('gives the same events cold as warm, and ignores other streams', async () => {
    const warm = await mapAll();
    const cold = [];
    for (const event of stream) cold.push(await new FieldPublicEvents(store).map(event));
    expect(cold).toEqual(warm);
    expect(await new FieldPublicEvents(store).map({ ...stream[1], streamId: 'labels-site-1' })).toEqual([]);
  });
});
