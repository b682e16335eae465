import { ContactEvent, ContactInfo, createContact, deleteContact, fold, Identity, updateContact } from '@cp/contacts-domain';
import { InMemoryEventStore, isWrongExpectedRevision, recordOf, StreamAppend } from '@cp/event-store';
import { ContactRepository } from './contact-repository';
import { metadataFor, toNewEvents } from './event-metadata';
import { ClaimRequest, claimsFor, identitiesDropped, IdentityClaims } from './identity-claims';
import { IdentityStreams } from './personal-data';
import { contactStream } from './streams';
import { expectError, siteA, testDataKeys } from './test/contacts-test-kit';

const ids = () => 'item-id';
const infoOf = (raw: Record<string, unknown>): ContactInfo => fold(createContact(undefined, { contactId: 'c', info: raw }, ids).map((e) => ({ ...e, occurredAt: 't' })))!.info;
const withEmails = (...emails: string[]) => ({ emails: { items: emails.map((email) => ({ email })) } });

const ada: Identity = { kind: 'email', value: 'ada@example.com' };
const exclusive = (identity: Identity, movedFrom?: string[]): ClaimRequest => ({ identity, exclusive: true, ...(movedFrom && { movedFrom }) });

describe('claimsFor', () => {
  it('asks only for the identities the change adds, not those the contact holds already', () => {
    const before = infoOf(withEmails('ada@example.com'));
    const after = infoOf({ ...withEmails('ADA@example.com', 'augusta@example.com'), phones: { items: [{ phone: '+14155550100' }] } });
    expect(claimsFor(before, after, { allowDuplicates: false }).map((claim) => claim.identity)).toEqual([
      { kind: 'email', value: 'augusta@example.com' },
      { kind: 'phone', value: '+14155550100' },
    ]);
    expect(claimsFor(after, after, { allowDuplicates: false })).toEqual([]);
  });

  it('makes exclusive what the duplicate check covers: the emails, or the phones when there is no email', () => {
    const both = claimsFor(undefined, infoOf({ ...withEmails('ada@example.com'), phones: { items: [{ phone: '+14155550100' }] } }), { allowDuplicates: false });
    expect(both.map((claim) => [claim.identity.kind, claim.exclusive])).toEqual([
      ['email', true],
      ['phone', false],
    ]);
    const phoneOnly = claimsFor(undefined, infoOf({ phones: { items: [{ phone: '+14155550100' }] } }), { allowDuplicates: false });
    expect(phoneOnly.map((claim) => [claim.identity.kind, claim.exclusive])).toEqual([['phone', true]]);
  });

  it('makes nothing exclusive where duplicates are allowed, and carries a merge\'s sources', () => {
    const after = infoOf(withEmails('ada@example.com'));
    expect(claimsFor(undefined, after, { allowDuplicates: true })).toEqual([{ identity: ada, exclusive: false }]);
    expect(claimsFor(undefined, after, { allowDuplicates: false, movedFrom: ['s1'] })).toEqual([{ identity: ada, exclusive: true, movedFrom: ['s1'] }]);
  });
});

describe('identitiesDropped', () => {
  it('lists what the change removes, and everything when the contact goes', () => {
    const before = infoOf({ ...withEmails('ada@example.com', 'augusta@example.com'), phones: { items: [{ phone: '+14155550100' }] } });
    expect(identitiesDropped(before, infoOf(withEmails('Augusta@example.com')))).toEqual([ada, { kind: 'phone', value: '+14155550100' }]);
    expect(identitiesDropped(before, undefined)).toHaveLength(3);
  });
});

describe('IdentityClaims', () => {
  const GRACE_MS = 1_000;
  let store: InMemoryEventStore;
  let now: number;
  let claims: IdentityClaims;
  const clock = { now: () => new Date(now).toISOString() };
  const names = new IdentityStreams(testDataKeys());
  const streamOf = (identity: Identity) => names.of(siteA.siteId, identity);

  beforeEach(() => {
    store = new InMemoryEventStore();
    now = Date.parse('2024-05-01T10:00:00Z');
    claims = new IdentityClaims(store, new ContactRepository(store), clock, names, GRACE_MS);
  });

  /** A contact's own events, as the contacts service appends them. */
  async function contact(contactId: string, decide: (state: ReturnType<typeof fold>) => ContactEvent[]): Promise<void> {
    const stream = contactStream(siteA.siteId, contactId);
    const state = fold((await store.readStream(stream)).map((event) => recordOf(event)));
    await store.append(stream, toNewEvents(decide(state), metadataFor(siteA, clock.now())), 'any');
  }
  const createWith = (contactId: string, ...emails: string[]) => contact(contactId, () => createContact(undefined, { contactId, info: withEmails(...emails) }, ids));

  /** Plans a write's claims and appends them, as ContactWrites does, telling `by` what landed. */
  async function claim(contactId: string, requests: ClaimRequest[], by = claims): Promise<void> {
    const plan = await by.plan(siteA, contactId, requests, []);
    const appends: StreamAppend[] = plan.claims.map((planned) => planned.append);
    by.committed(appends, await store.appendToStreams(appends));
  }
  const holdersOf = async (identity: Identity) => (await store.readStream(await streamOf(identity))).map((event) => `${event.type}:${(event.data as { contactId: string }).contactId}`);

  it('claims an exclusive identity against the revision it read, and a shared one against none', async () => {
    const first = await claims.plan(siteA, 'c1', [exclusive(ada), { identity: { kind: 'phone', value: '+14155550100' }, exclusive: false }], []);
    expect(first.claims.map((planned) => [planned.append.streamId, planned.append.expected])).toEqual([
      [await streamOf(ada), 'no_stream'],
      [await streamOf({ kind: 'phone', value: '+14155550100' }), 'any'],
    ]);
    expect(first.claims[0].append.events).toEqual([expect.objectContaining({ type: 'IdentityClaimed', data: { contactId: 'c1', kind: 'email', value: 'ada@example.com' } })]);
    await createWith('c1', 'ada@example.com');
    await claim('c1', [exclusive(ada)]);
    // c1 is deleted, so c2 may take the address; the claim expects the stream where c1's claim left it.
    await contact('c1', (state) => deleteContact(state));
    const second = await claims.plan(siteA, 'c2', [exclusive(ada)], []);
    expect(second.claims[0].append.expected).toBe(0);
  });

  it('refuses an exclusive claim another live contact holds, naming it, and lets a shared one through', async () => {
    await createWith('old', 'ada@example.com');
    await claim('old', [exclusive(ada)]);
    const refused = await expectError(claims.plan(siteA, 'new', [exclusive(ada)], []), 'DUPLICATE_CONTACT_EXISTS');
    expect(refused.data).toEqual({ duplicateContactId: 'old', duplicateEmail: 'ada@example.com' });
    await claim('new', [{ identity: ada, exclusive: false }]);
    expect(await holdersOf(ada)).toEqual(['IdentityClaimed:old', 'IdentityClaimed:new']);
  });

  it('claims again over a stale claim of its own rather than find itself a duplicate', async () => {
    await createWith('c1', 'ada@example.com');
    await claim('c1', [exclusive(ada)]);
    const again = await claims.plan(siteA, 'c1', [exclusive(ada)], []);
    expect(again.claims.map((planned) => planned.append.expected)).toEqual([0]);
  });

  it('does not count a holder whose contact was deleted or no longer has the identity', async () => {
    await createWith('gone', 'ada@example.com');
    await createWith('moved-on', 'ada@example.com');
    await claim('gone', [exclusive(ada)]);
    await claim('moved-on', [{ identity: ada, exclusive: false }]);
    await contact('gone', (state) => deleteContact(state));
    await expectError(claims.plan(siteA, 'new', [exclusive(ada)], []), 'DUPLICATE_CONTACT_EXISTS');
    await contact('moved-on', (state) => updateContact(state, { revision: 1, info: withEmails('other@example.com') }, ids));
    const plan = await claims.plan(siteA, 'new', [exclusive(ada)], []);
    expect(plan.claims).toHaveLength(1);
  });

  it('counts a holder whose contact does not exist yet only for the grace period (a write that died in between)', async () => {
    await claim('pending', [exclusive(ada)]);
    now += GRACE_MS - 1;
    const refused = await expectError(claims.plan(siteA, 'new', [exclusive(ada)], []), 'DUPLICATE_CONTACT_EXISTS');
    expect(refused.data.duplicateContactId).toBe('pending');
    now += 1;
    expect((await claims.plan(siteA, 'new', [exclusive(ada)], [])).claims).toHaveLength(1);
  });

  it('lets a merge target take an identity one of its sources holds, though another contact shares it', async () => {
    await createWith('source', 'ada@example.com');
    await createWith('sharer', 'ada@example.com');
    await claim('source', [exclusive(ada)]);
    await claim('sharer', [{ identity: ada, exclusive: false }]);
    expect((await claims.plan(siteA, 'target', [exclusive(ada, ['source'])], [])).claims).toHaveLength(1);
    // A source that does not hold the identity moves nothing: the holders are duplicates.
    const refused = await expectError(claims.plan(siteA, 'target', [exclusive(ada, ['elsewhere'])], []), 'DUPLICATE_CONTACT_EXISTS');
    expect(refused.data.duplicateContactId).toBe('source');
  });

  it('releases what the contact holds and skips what it does not', async () => {
    const grace: Identity = { kind: 'email', value: 'grace@example.com' };
    await claim('c1', [exclusive(ada)]);
    await claim('c2', [exclusive(grace)]);
    const plan = await claims.plan(siteA, 'c1', [], [ada, grace]);
    expect(plan.claims).toEqual([]);
    expect(plan.releases).toEqual([{ streamId: await streamOf(ada), events: [expect.objectContaining({ type: 'IdentityReleased', data: { contactId: 'c1' } })], expected: 'any' }]);
  });

  it('gives back the claims of a failed write, so the identity is free again at once', async () => {
    await claim('failed', [exclusive(ada)]);
    await claims.release(siteA, 'failed', [ada]);
    expect(await holdersOf(ada)).toEqual(['IdentityClaimed:failed', 'IdentityReleased:failed']);
    expect((await claims.plan(siteA, 'next', [exclusive(ada)], [])).claims).toHaveLength(1);
  });

  it('decides on the state it folded until told the stream moved, then reads it again', async () => {
    const otherProcess = new IdentityClaims(store, new ContactRepository(store), clock, names, GRACE_MS);
    expect((await claims.plan(siteA, 'mine', [exclusive(ada)], [])).claims).toHaveLength(1);
    await createWith('theirs', 'ada@example.com');
    await claim('theirs', [exclusive(ada)], otherProcess);

    // Still on the state it folded: the expected revision is what stops the append.
    const stale = await claims.plan(siteA, 'mine', [exclusive(ada)], []);
    const refusal = await store.appendToStreams(stale.claims.map((planned) => planned.append)).catch((error: unknown) => error);
    expect(isWrongExpectedRevision(refusal)).toBe(true);

    claims.moved(await streamOf(ada));
    const fresh = await expectError(claims.plan(siteA, 'mine', [exclusive(ada)], []), 'DUPLICATE_CONTACT_EXISTS');
    expect(fresh.data.duplicateContactId).toBe('theirs');
  });
});
