import fc from 'fast-check';
import { emailIdentities, EmailStatuses, toContactView } from '@cp/contacts-domain';
import { EventStore, InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore, ReadStore } from '@cp/read-store';
import {
  contactDocumentId,
  ContactPublicEvents,
  ContactRepository,
  ContactsApplication,
  ContactsProjection,
  CONTACTS_COLLECTION,
  EMAIL_SUBSCRIPTIONS_COLLECTION,
  EmailStatusHistory,
} from './index';
import { quietLogger, siteA, startContacts, stopContacts } from './test/contacts-test-kit';

/**
 * The contacts read model joins contacts with the subscriptions of their addresses in one
 * projection. Whatever the order of contact changes and upserts, each contact's view must be
 * the join done from scratch (the contact's stream folded, its addresses' subscription streams
 * folded), the same after a rebuild from zero, and the last contact entity the public events
 * carry must be that view too.
 */
const ADDRESSES = ['a@x.com', 'B@x.com', 'c@x.com', 'd@x.com'];
const SUBSCRIPTION = ['NOT_SET', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'] as const;
const DELIVERABILITY = ['NOT_SET', 'VALID', 'BOUNCED', 'SPAM_COMPLAINT', 'INACTIVE'] as const;

type Step =
  | { kind: 'create'; emails: string[] }
  | { kind: 'setEmails'; contact: number; emails: string[] }
  | { kind: 'delete'; contact: number }
  | { kind: 'upsert'; email: string; subscriptionStatus?: (typeof SUBSCRIPTION)[number]; deliverabilityStatus?: (typeof DELIVERABILITY)[number] };

const emails = fc.uniqueArray(fc.constantFrom(...ADDRESSES), { minLength: 1, maxLength: 3, selector: (e) => e.toLowerCase() }).map((list) => list.map((e, i) => (i % 2 ? e.toUpperCase() : e)));
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), emails }),
  fc.record({ kind: fc.constant('setEmails' as const), contact: fc.nat(5), emails }),
  fc.record({ kind: fc.constant('delete' as const), contact: fc.nat(5) }),
  fc.record(
    { kind: fc.constant('upsert' as const), email: fc.constantFrom(...ADDRESSES, 'A@X.COM'), subscriptionStatus: fc.constantFrom(...SUBSCRIPTION), deliverabilityStatus: fc.constantFrom(...DELIVERABILITY) },
    { requiredKeys: ['kind', 'email'] },
  ),
);

const json = (value: unknown) => JSON.parse(JSON.stringify(value));

async function run(app: ContactsApplication, steps: Step[]): Promise<string[]> {
  const ids: string[] = [];
  const items = (list: string[]) => ({ emails: { items: list.map((email, i) => ({ email, primary: i === 0 })) } });
  for (const s of steps) {
    if (s.kind === 'create') ids.push((await app.commands.create(siteA, { info: items(s.emails), allowDuplicates: true })).id);
    else if (s.kind === 'upsert') {
      const { kind: _kind, ...subscription } = s;
      await app.emailSubscriptions.upsert(siteA, { subscription });
    }
    else {
      const id = ids[s.contact % Math.max(ids.length, 1)];
      if (!id) continue;
      const current = await app.queries.get(siteA, { contactId: id }).catch(() => undefined);
      if (!current || current.responseType !== 'REGULAR') continue;
      if (s.kind === 'delete') await app.commands.delete(siteA, { contactId: id });
      else await app.commands.update(siteA, { contactId: id, revision: current.contact.revision!, info: items(s.emails), allowDuplicates: true });
    }
  }
  return ids;
}

/** The join done from scratch: the contact's stream and its addresses' subscription streams, folded now. */
async function expectedView(events: EventStore, contactId: string) {
  const { state } = await new ContactRepository(events).load(siteA.siteId, contactId);
  if (!state || state.deleted) return undefined;
  const statuses: EmailStatuses = await new EmailStatusHistory(events).at(siteA.siteId, emailIdentities(state.info).map((i) => i.value), () => true);
  return json(toContactView(state, statuses));
}

/** The store, with a few turns of the event loop before every call: two replicas' reads and writes interleave as over a network. */
function jittery(store: ReadStore): ReadStore {
  const turns = async () => {
    for (let i = Math.floor(Math.random() * 4); i > 0; i--) await new Promise((resolve) => setImmediate(resolve));
  };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get: (object, key) => {
        const value = Reflect.get(object, key);
        return typeof value === 'function' && key !== 'scan' ? async (...args: unknown[]) => (await turns(), value.apply(object, args)) : value;
      },
    });
  return Object.assign(Object.create(store), { collection: (name: string) => wrap(store.collection(name)) });
}

describe('email subscriptions in the contacts read model', () => {
  it('shows, for any sequence of contact changes and upserts, the join of the streams; the same after a rebuild; the public events end on it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 20 }), async (steps) => {
        const events = new InMemoryEventStore();
        const readStore = new EmbeddedReadStore();
        const app = await startContacts(events, readStore);
        try {
          const ids = await run(app, steps);
          const rebuilt = new EmbeddedReadStore();
          const fromZero = new ContactsProjection(app.eventStore, rebuilt, quietLogger);
          await fromZero.start();
          await fromZero.waitFor(await events.headPosition());
          await fromZero.stop();

          const publicEvents = new ContactPublicEvents(app.eventStore, app.identityStreams);
          const lastEntity = new Map<string, unknown>();
          for (const event of await app.eventStore.readAll()) {
            for (const { event: published } of await publicEvents.map(event)) {
              const entity = published.createdEvent?.entity ?? published.updatedEvent?.currentEntity ?? (published.deletedEvent && null);
              if (entity !== undefined && published.entityFqdn === 'wix.contacts.v4.contact') lastEntity.set(published.entityId, entity);
            }
          }

          const subscriptionsOf = (store: EmbeddedReadStore) => store.collection(EMAIL_SUBSCRIPTIONS_COLLECTION).find({}, { sort: { _id: 1 } });
          expect(json(await subscriptionsOf(rebuilt))).toEqual(json(await subscriptionsOf(readStore)));
          for (const id of ids) {
            const expected = await expectedView(app.eventStore, id);
            const live = await app.queries.get(siteA, { contactId: id }).then((r) => (r.responseType === 'REGULAR' ? json(r.contact) : undefined), () => undefined);
            expect(live).toEqual(expected);
            const documentOf = (store: EmbeddedReadStore) => store.collection(CONTACTS_COLLECTION).findOne({ _id: contactDocumentId(siteA.siteId, id) });
            expect(json(await documentOf(rebuilt))).toEqual(json(await documentOf(readStore)));
            expect(lastEntity.get(id) === null ? undefined : json(lastEntity.get(id))).toEqual(expected);
          }
        } finally {
          await stopContacts(app);
        }
      }),
      { numRuns: 25 },
    );
  });
  it('shows the same on two replicas sharing the read store, writing at once: the active one by its subscription, the other inline', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), fc.array(step, { minLength: 1, maxLength: 12 }), async (first, second) => {
        const events = new InMemoryEventStore();
        const shared = new EmbeddedReadStore();
        const replicas = [await startContacts(events, jittery(shared)), await startContacts(events, jittery(shared))];
        try {
          await Promise.all([run(replicas[0], first), run(replicas[1], second)]);
          const head = await events.headPosition();
          for (const replica of replicas) await replica.projection.waitFor(head);
          const rebuilt = new EmbeddedReadStore();
          const fromZero = new ContactsProjection(replicas[0].eventStore, rebuilt, quietLogger);
          await fromZero.start();
          await fromZero.waitFor(head);
          await fromZero.stop();
          const all = (store: EmbeddedReadStore, collection: string) => store.collection(collection).find({}, { sort: { _id: 1 } });
          expect(json(await all(shared, CONTACTS_COLLECTION))).toEqual(json(await all(rebuilt, CONTACTS_COLLECTION)));
          expect(json(await all(shared, EMAIL_SUBSCRIPTIONS_COLLECTION))).toEqual(json(await all(rebuilt, EMAIL_SUBSCRIPTIONS_COLLECTION)));
        } finally {
          for (const replica of replicas) await stopContacts(replica);
        }
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
