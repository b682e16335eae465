import { ContactEventRecord, fold, toContactView } from '@cp/contacts-domain';
import { derivedUuid, PublishedPublicEvent } from '@cp/contracts';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { ContactPublicEvents } from './contact-public-events';
import { IdentityStreams } from './personal-data';
import { contactStream } from './streams';
import { testDataKeys } from './test/contacts-test-kit';

const names = new IdentityStreams(testDataKeys());

const TARGET = '11111111-1111-4111-8111-111111111111';
const SOURCE = '22222222-2222-4222-8222-222222222222';
const apiKey = { type: 'API_KEY' as const, id: 'my-key' };

/** Stored events of a contact stream, as the event store hands them to a relay. */
function streamOf(contactId: string, events: { type: string; data: unknown; actor?: RecordedEvent['actor'] }[]): RecordedEvent[] {
  return events.map((event, revision) => ({
    id: `${contactId}-event-${revision}`,
    type: event.type,
    schemaVersion: 1,
    streamId: contactStream('site-1', contactId),
    revision,
    globalPosition: revision + 1,
    siteId: 'site-1',
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, revision)).toISOString(),
    correlationId: `request-${revision}`,
    actor: event.actor ?? apiKey,
    data: event.data,
  }));
}

const created = (contactId: string, first: string) => ({
  type: 'ContactCreated',
  data: { contactId, info: { name: { first, last: 'Lovelace' }, emails: { items: [{ id: 'e1', tag: 'MAIN', email: `${first}@example.com`, primary: true }] } }, source: { sourceType: 'OTHER' } },
});

const target = streamOf(TARGET, [
  created(TARGET, 'ada'),
  { type: 'ContactUpdated', data: { info: { company: 'Analytical Engines' } } },
  { type: 'ContactLabeled', data: { labelKeys: ['custom.vip'] } },
  { type: 'ContactExtendedFieldsSet', data: { values: { 'custom.score': 3 } } },
  { type: 'ContactExtendedFieldsRemoved', data: { keys: ['custom.score'] } },
  { type: 'ContactUnlabeled', data: { labelKeys: ['custom.vip'] } },
  { type: 'ContactsMerged', data: { sourceContactIds: [SOURCE], info: { name: { first: 'ada', last: 'Lovelace' }, company: 'Analytical Engines', jobTitle: 'Countess' }, mergeId: 'm1' } },
  { type: 'ContactDeleted', data: { contactId: TARGET } },
]);
const source = streamOf(SOURCE, [
  created(SOURCE, 'byron'),
  { type: 'ContactDeleted', data: { contactId: SOURCE, mergedInto: TARGET }, actor: { type: 'SYSTEM', id: 'merge-completer' } },
  // A merge marks again a source another request deleted after the merge read it.
  { type: 'ContactDeleted', data: { contactId: SOURCE, mergedInto: TARGET }, actor: { type: 'SYSTEM', id: 'merge-completer' } },
]);

/** The contact as Get Contact shows it after the stream's first `count` events. */
const viewAfter = (stream: RecordedEvent[], count: number) => toContactView(fold(stream.slice(0, count).map((e) => ({ type: e.type, data: e.data, occurredAt: e.occurredAt }) as ContactEventRecord))!);

const storeOf = (...streams: RecordedEvent[][]): EventStore => ({ readStream: async (id: string) => streams.flat().filter((e) => e.streamId === id) }) as unknown as EventStore;

async function mapAll(events: RecordedEvent[], mapper = new ContactPublicEvents(storeOf(target, source), names)): Promise<PublishedPublicEvent[][]> {
  const out = [];
  for (const event of events) out.push(await mapper.map(event));
  return out;
}

describe('contact public events', () => {
  it('a creation is contact_created with the contact as Get Contact shows it, and the common fields', async () => {
    const [[published]] = await mapAll(target.slice(0, 1));
    expect(published).toEqual({
      event: {
        id: derivedUuid(target[0].id, 0),
        eventType: 'wix.contacts.v4.contact_created',
        instanceId: 'site-1',
        entityFqdn: 'wix.contacts.v4.contact',
        slug: 'created',
        entityId: TARGET,
        eventTime: target[0].occurredAt,
        triggeredByAnonymizeRequest: false,
        entityEventSequence: 0,
        identity: { identityType: 'APP', appId: 'my-key' },
        createdEvent: { entity: viewAfter(target, 1) },
      },
      sourcePosition: [0, 0],
      correlationId: 'request-0',
    });
    // The view has the system extended fields Get Contact shows.
    expect((published.event.createdEvent!.entity as { info: { extendedFields: { items: Record<string, unknown> } } }).info.extendedFields.items['contacts.displayByFirstName']).toBe('ada Lovelace');
  });

  it('updates, labels and extended fields are contact_updated with the contact after the event', async () => {
    const mapped = await mapAll(target.slice(0, 6));
    for (let revision = 1; revision <= 5; revision++) {
      expect(mapped[revision]).toHaveLength(1);
      const { event, sourcePosition } = mapped[revision][0];
      expect(event).toMatchObject({ eventType: 'wix.contacts.v4.contact_updated', slug: 'updated', entityId: TARGET, id: derivedUuid(target[revision].id, 0) });
      expect(event.updatedEvent).toEqual({ currentEntity: viewAfter(target, revision + 1) });
      expect(event.originatedFrom).toBeUndefined();
      expect(sourcePosition).toEqual([revision, 0]);
    }
  });

  it('a merge is contact_merged, then the target contact_updated from the merge, with distinct ids', async () => {
    const mapped = (await mapAll(target.slice(0, 7)))[6];
    const targetContact = viewAfter(target, 7);
    expect(mapped.map((p) => [p.event.eventType, p.event.slug, p.event.entityId, p.sourcePosition])).toEqual([
      ['wix.contacts.v4.contact_merged', 'merged', TARGET, [6, 0]],
      ['wix.contacts.v4.contact_updated', 'updated', TARGET, [6, 1]],
    ]);
    expect(mapped[0].event.actionEvent).toEqual({ body: { targetContactId: TARGET, sourceContactIds: [SOURCE], targetContact } });
    expect(mapped[0].event.originatedFrom).toBeUndefined();
    expect(mapped[1].event.updatedEvent).toEqual({ currentEntity: targetContact });
    expect(mapped[1].event.originatedFrom).toBe('merge');
    expect(mapped[0].event.id).toBe(derivedUuid(target[6].id, 0));
    expect(mapped[1].event.id).toBe(derivedUuid(target[6].id, 1));
    expect(mapped[0].event.id).not.toBe(mapped[1].event.id);
  });

  it('a deletion is contact_deleted with the contact as it was before it', async () => {
    const [deleted] = (await mapAll(target))[7];
    expect(deleted.event).toMatchObject({ eventType: 'wix.contacts.v4.contact_deleted', slug: 'deleted', entityId: TARGET });
    expect(deleted.event.deletedEvent).toEqual({ deletedEntity: viewAfter(target, 7) });
    expect(deleted.event.originatedFrom).toBeUndefined();
  });

  it('a source merged away is deleted from the merge, by the platform; its second marking gives nothing', async () => {
    const [, [deleted], again] = await mapAll(source);
    expect(deleted.event).toMatchObject({ eventType: 'wix.contacts.v4.contact_deleted', entityId: SOURCE, originatedFrom: 'merge', identity: { identityType: 'UNKNOWN' } });
    expect(deleted.event.deletedEvent).toEqual({ deletedEntity: viewAfter(source, 1) });
    expect(again).toEqual([]);
  });

  it('gives the same events for a stored event whether its state was cached or folded from the stream', async () => {
    const warm = (await mapAll(target)).flat();
    // A fresh mapper (a restart) meets each event cold, folding the stream up to it.
    const cold = [];
    for (const event of target) cold.push(...(await new ContactPublicEvents(storeOf(target), names).map(event)));
    expect(cold).toEqual(warm);
    // Replayed from zero on the same mapper: the same ids again.
    expect((await mapAll(target, new ContactPublicEvents(storeOf(target), names))).flat().map((p) => p.event.id)).toEqual(warm.map((p) => p.event.id));
  });

  it('ignores streams that are not contacts', async () => {
    const claim = { ...target[0], streamId: 'contactidentity-site-1.email:ada@example.com', type: 'IdentityClaimed' };
    expect(await new ContactPublicEvents(storeOf(), names).map(claim)).toEqual([]);
  });
});
