import { InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { IntegrationEvent } from '@cp/contracts';
import { EventPublisher, IntegrationEventRelay } from './integration-relay';

const logger = { warn: jest.fn(), error: jest.fn() };
const toIntegration = (type: string): IntegrationEvent[] => [{ id: type, type, source: 'test', siteId: 's', entityId: 'e', sequence: 1, occurredAt: new Date().toISOString(), data: {} }];

describe('IntegrationEventRelay', () => {
  it('keeps trying a publish the broker refuses, then relays every event once, in order', async () => {
    const store = new InMemoryEventStore();
    const published: string[] = [];
    let refusals = 2;
    const publisher: EventPublisher = {
      publish: async (_topic, event) => {
        if (refusals > 0) {
          refusals--;
          throw new Error('broker away');
        }
        published.push(event.type);
      },
    };
    const relay = new IntegrationEventRelay('test', 'test.events', store, new EmbeddedReadStore(), (e) => toIntegration(e.type), publisher, logger);
    await store.append('thing-s.1', [{ type: 'A', data: {}, metadata: { siteId: 's' } }, { type: 'B', data: {}, metadata: { siteId: 's' } }], 'no_stream');
    await relay.start();
    const deadline = Date.now() + 10_000;
    while (published.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await relay.stop();
    expect(published).toEqual(['A', 'B']);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('stops while the broker is away, without waiting for it', async () => {
    const store = new InMemoryEventStore();
    const publisher: EventPublisher = { publish: async () => Promise.reject(new Error('broker away')) };
    const relay = new IntegrationEventRelay('test', 'test.events', store, new EmbeddedReadStore(), (e) => toIntegration(e.type), publisher, logger);
    await store.append('thing-s.2', [{ type: 'A', data: {}, metadata: { siteId: 's' } }], 'no_stream');
    await relay.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});
