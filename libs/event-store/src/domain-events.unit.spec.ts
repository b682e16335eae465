import { InMemoryEventStore } from './in-memory-event-store';
import { recordOf, registerUpcaster, schemaVersionOf } from './domain-events';

describe('stored events as the domain reads them', () => {
  // A type whose data changed shape twice: { name } (v1) -> { displayName } (v2) -> { displayName, locale } (v3).
  const type = 'TestLabelRenamed';
  registerUpcaster({ type, fromVersion: 1, upcast: (data) => ({ displayName: (data as { name: string }).name }) });
  registerUpcaster({ type, fromVersion: 2, upcast: (data) => ({ ...(data as object), locale: 'en' }) });

  it('reads an event stored in an old schema version in today\'s, and writes new ones in today\'s', async () => {
    const store = new InMemoryEventStore();
    await store.append('test-s.1', [{ type, data: { name: 'VIP' }, metadata: { siteId: 's', schemaVersion: 1 } }], 'no_stream');
    await store.append('test-s.1', [{ type, data: { displayName: 'Gold', locale: 'fr' }, metadata: { siteId: 's' } }], 0);
    const [old, current] = await store.readStream('test-s.1');
    expect([old.schemaVersion, current.schemaVersion]).toEqual([1, 3]);
    expect(recordOf(old)).toEqual({ type, data: { displayName: 'VIP', locale: 'en' }, occurredAt: old.occurredAt });
    expect(recordOf(current)).toEqual({ type, data: { displayName: 'Gold', locale: 'fr' }, occurredAt: current.occurredAt });
  });

  it('leaves the events of a type without upcasters as stored, at version 1', () => {
    expect(schemaVersionOf('TestUnchanged')).toBe(1);
    const event = { id: 'e', type: 'TestUnchanged', schemaVersion: 1, streamId: 's', revision: 0, globalPosition: 1, siteId: 's', occurredAt: 't', data: { n: 1 } };
    expect(recordOf(event)).toEqual({ type: 'TestUnchanged', data: { n: 1 }, occurredAt: 't' });
  });
});
