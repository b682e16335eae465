import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublicEventTopics, PublishedPublicEvent, RequestContext, siteDocumentId } from '@cp/contracts';
import { EventStore, SqliteEventStore } from '@cp/event-store';
import { deleteLabel, findOrCreateLabel, LabelDefinition, renameLabel } from '@cp/labels-domain';
import { ClientProxyPublisher, EventRelay, InProcessBroker, InProcessClient } from '@cp/messaging';
import { EmbeddedReadStore } from '@cp/read-store';
import { CatalogPublicEvents, catalogPublicEventRelay, CatalogService } from './index';
import { testLabelSpec } from './test/test-label-spec';

const site: RequestContext = { siteId: 'site-1', actor: { type: 'API_KEY', id: 'k' }, correlationId: 'c' };
const logger = { error: jest.fn(), warn: jest.fn() };
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('label catalog public events, relayed', () => {
  let dir: string;
  let events: EventStore;
  let readStore: EmbeddedReadStore;
  let service: CatalogService<LabelDefinition>;
  let broker: InProcessBroker;
  let received: { key: string; value: PublishedPublicEvent }[];
  let relay: EventRelay<PublishedPublicEvent>;
  const startRelay = async () => {
    relay = catalogPublicEventRelay(testLabelSpec, { eventStore: events, readStore, publisher: new ClientProxyPublisher(new InProcessClient(broker)), logger });
    await relay.start();
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'catalog-public-events-'));
    events = new SqliteEventStore(join(dir, 'labels-events.sqlite'));
    readStore = new EmbeddedReadStore();
    service = new CatalogService(testLabelSpec, events, readStore, logger);
    await service.projection.start();
    broker = new InProcessBroker();
    received = [];
    broker.listen(PublicEventTopics.labels, async (message) => void received.push(message as { key: string; value: PublishedPublicEvent }));
    await startRelay();
  });
  afterEach(async () => {
    await relay.stop();
    await service.projection.stop();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes open, create, rename and delete in order, each definition as Get shows it; a restart republishes nothing', async () => {
    await service.decide(site, (state) => {
      const decided = findOrCreateLabel(state, 'VIP', 100);
      return { events: decided.events, result: decided };
    });
    await until(() => received.length === 3);
    expect(received[2].value.event.createdEvent!.entity).toEqual(json(await service.get(site, 'custom.vip')));
    await service.decide(site, (state) => ({ events: renameLabel(state, 'custom.vip', 'Very Important'), result: undefined }));
    await until(() => received.length === 4);
    const renamed = json(await service.get(site, 'custom.vip'));
    expect(received[3].value.event.updatedEvent!.currentEntity).toEqual(renamed);

    await relay.stop();
    await startRelay();
    await until(() => relay.ready);
    await service.decide(site, (state) => ({ events: deleteLabel(state, 'custom.vip'), result: undefined }));
    await until(() => received.length === 5);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(received.map((m) => [m.value.event.eventType, m.value.event.entityId, m.value.sourcePosition])).toEqual([
      ['wix.contacts.v4.label_created', 'contacts.contacted-me', [0, 0]],
      ['wix.contacts.v4.label_created', 'contacts.customers', [0, 1]],
      ['wix.contacts.v4.label_created', 'custom.vip', [1, 0]],
      ['wix.contacts.v4.label_updated', 'custom.vip', [2, 0]],
      ['wix.contacts.v4.label_deleted', 'custom.vip', [3, 0]],
    ]);
    expect(received[4].value.event.deletedEvent!.deletedEntity).toEqual(renamed);
    expect(received.every((m) => m.key === siteDocumentId('site-1', m.value.event.entityId))).toBe(true);

    // The restarted relay met the delete cold: what it published is what a cold fold gives.
    const cold: PublishedPublicEvent[] = [];
    for (const event of await events.readAll()) cold.push(...(await new CatalogPublicEvents(testLabelSpec, events).map(event)));
    expect(received.map((m) => m.value)).toEqual(json(cold));
  });
});
