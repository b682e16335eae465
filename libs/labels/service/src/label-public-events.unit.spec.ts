import { derivedUuid } from '@cp/contracts';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { SYSTEM_LABELS } from '@cp/labels-domain';
import { LabelPublicEvents } from './label-public-events';

const vip = { key: 'custom.vip', namespace: 'custom', namespaceDisplayName: 'Custom', displayName: 'VIP', labelType: 'USER_DEFINED' };

const stream: RecordedEvent[] = [
  { type: 'LabelCatalogOpened', data: { system: SYSTEM_LABELS } },
  { type: 'LabelCreated', data: vip },
  { type: 'LabelRenamed', data: { key: 'custom.vip', displayName: 'Very Important' } },
  { type: 'LabelDeleted', data: { key: 'custom.vip' } },
  { type: 'LabelDeleted', data: { key: 'custom.unknown' } },
].map((event, revision) => ({
  ...event,
  id: `event-${revision}`,
  schemaVersion: 1,
  streamId: 'labels-site-1',
  revision,
  globalPosition: revision + 1,
  siteId: 'site-1',
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, revision)).toISOString(),
  correlationId: `request-${revision}`,
  actor: { type: 'API_KEY', id: 'my-key' },
}));

const store = { readStream: async () => stream } as unknown as EventStore;

async function mapAll(mapper = new LabelPublicEvents(store)) {
  const out = [];
  for (const event of stream) out.push(await mapper.map(event));
  return out;
}

describe('label public events', () => {
  it('opening a catalog creates each system label, one ordinal each', async () => {
    const [opened] = await mapAll();
    expect(opened.map((p) => [p.event.eventType, p.event.entityId, p.event.id, p.sourcePosition])).toEqual([
      ['wix.contacts.v4.label_created', 'contacts.contacted-me', derivedUuid('event-0', 0), [0, 0]],
      ['wix.contacts.v4.label_created', 'contacts.customers', derivedUuid('event-0', 1), [0, 1]],
    ]);
    expect(opened[0].event.createdEvent).toEqual({ entity: SYSTEM_LABELS[0] }); // system labels carry no dates
  });

  it('create, rename and delete carry the label as Get shows it, with the common fields', async () => {
    const [, [created], [renamed], [deleted]] = await mapAll();
    const t = (revision: number) => stream[revision].occurredAt;
    expect(created).toEqual({
      event: {
        id: derivedUuid('event-1', 0),
        eventType: 'wix.contacts.v4.label_created',
        instanceId: 'site-1',
        entityFqdn: 'wix.contacts.v4.label',
        slug: 'created',
        entityId: 'custom.vip',
        eventTime: t(1),
        triggeredByAnonymizeRequest: false,
        entityEventSequence: 0,
        identity: { identityType: 'APP', appId: 'my-key' },
        createdEvent: { entity: { ...vip, createdDate: t(1), updatedDate: t(1) } },
      },
      sourcePosition: [1, 0],
      correlationId: 'request-1',
    });
    const current = { ...vip, displayName: 'Very Important', createdDate: t(1), updatedDate: t(2) };
    expect(renamed.event).toMatchObject({ eventType: 'wix.contacts.v4.label_updated', slug: 'updated', updatedEvent: { currentEntity: current } });
    expect(deleted.event).toMatchObject({ eventType: 'wix.contacts.v4.label_deleted', slug: 'deleted', deletedEvent: { deletedEntity: current } });
  });

  it('a delete of a key the catalog does not hold gives nothing', async () => {
    expect((await mapAll())[4]).toEqual([]);
  });

  it('gives the same events cold (folding the stream) as warm, and ignores other streams', async () => {
    const warm = await mapAll();
    const cold = [];
    for (const event of stream) cold.push(await new LabelPublicEvents(store).map(event));
    expect(cold).toEqual(warm);
    expect(await new LabelPublicEvents(store).map({ ...stream[1], streamId: 'extendedfields-site-1' })).toEqual([]);
  });
});
