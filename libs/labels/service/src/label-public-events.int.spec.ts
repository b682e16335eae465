import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublicEventTopics, PublishedPublicEvent, RequestContext, siteDocumentId } from '@cp/contracts';
import { EventStore, SqliteEventStore } from '@cp/event-store';
import { ClientProxyPublisher, EventRelay, InProcessBroker, InProcessClient } from '@cp/messaging';
import { EmbeddedReadStore } from '@cp/read-store';
import { LabelCommands } from './label-commands';
import { LabelPublicEvents, labelPublicEventRelay } from './label-public-events';
import { LabelQueries } from './label-queries';
import { LabelsProjection } from './labels-projection';

const site: RequestContext = { siteId: 'site-1', actor: { type: 'API_KEY', id: 'k' }, correlationId: 'c' };
const logger = { error: jest.fn(), warn: jest.fn() };
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('label public events, relayed', () => {
  let dir: string;
  let events: EventStore;
  let readStore: EmbeddedReadStore;
  let projection: LabelsProjection;
  let commands: LabelCommands;
  let queries: LabelQueries;
  let broker: InProcessBroker;
  let received: { key: string; value: PublishedPublicEvent }[];
  let relay: EventRelay<PublishedPublicEvent>;
  const startRelay = async () => {
    relay = labelPublicEventRelay({ eventStore: events, readStore, publisher: new ClientProxyPublisher(new InProcessClient(broker)), logger });
    await relay.start();
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'label-public-events-'));
    events = new SqliteEventStore(join(dir, 'labels-events.sqlite'));
    readStore = new EmbeddedReadStore();
    projection = new LabelsProjection(events, readStore, logger);
    await projection.start();
    commands = new LabelCommands(events, projection, 100);
    queries = new LabelQueries(events, readStore, commands);
    broker = new InProcessBroker();
    received = [];
    broker.listen(PublicEventTopics.labels, async (message) => void received.push(message as { key: string; value: PublishedPublicEvent }));
    await startRelay();
  });
  afterEach(async () => {
    await relay.stop();
    await projection.stop();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes open, create, rename and delete in order, each label as Get shows it; a restart republishes nothing', async () => {
    await commands.findOrCreate(site, 'VIP');
    await until(() => received.length === 3);
    expect(received[2].value.event.createdEvent!.entity).toEqual(json(await queries.get(site, 'custom.vip')));
    await commands.rename(site, 'custom.vip', 'Very Important');
    await until(() => received.length === 4);
    const renamed = json(await queries.get(site, 'custom.vip'));
    expect(received[3].value.event.updatedEvent!.currentEntity).toEqual(renamed);

    await relay.stop();
    await startRelay();
    await until(() => relay.ready);
    await commands.delete(site, 'custom.vip');
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
    for (const event of await events.readAll()) cold.push(...(await new LabelPublicEvents(events).map(event)));
    expect(received.map((m) => m.value)).toEqual(json(cold));
  });
});
