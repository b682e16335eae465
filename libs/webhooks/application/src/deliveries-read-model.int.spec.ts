import { InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { DeliveriesReadModel, DeliveryDocument } from './deliveries-read-model';

describe('deliveries read model', () => {
  it('pages pending deliveries in feed order even when many share one feed position', async () => {
    const model = new DeliveriesReadModel(new InMemoryEventStore(), new EmbeddedReadStore(), { error: () => undefined, warn: () => undefined });
    // One event to many subscriptions (or replays of it) gives many deliveries at one position.
    const docs = Array.from({ length: 1200 }, (_, i) => ({
      _id: `s:${i}`,
      siteId: 's',
      revision: 0,
      deliveryId: `d-${String(i).padStart(4, '0')}`,
      subscriptionId: `sub-${i % 7}`,
      eventId: 'e',
      eventType: 'wix.contacts.v4.contact_created',
      entityKey: 'k',
      entityId: 'c',
      feedPosition: i < 1100 ? 5 : 6,
      status: i % 10 === 0 ? 'DELIVERED' : 'PENDING',
      attempts: 0,
      roundAttempts: 0,
      createdDate: '',
      updatedDate: '',
    })) as DeliveryDocument[];
    for (const doc of docs) await model.collection.insertOne(doc);
    const seen: string[] = [];
    let after: { feedPosition: number; deliveryId: string } | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await model.pendingAfter(after, 500);
      seen.push(...page.map((doc) => doc.deliveryId));
      if (page.length < 500) break;
      after = { feedPosition: page[page.length - 1].feedPosition, deliveryId: page[page.length - 1].deliveryId };
    }
    const pending = docs.filter((doc) => doc.status === 'PENDING').map((doc) => doc.deliveryId);
    expect(seen).toEqual(pending);
  });
});
