import { ContactEvent, ContactState, createContact, currentReservation, deleteContact, fold, markMergedInto, mergeContacts, mergedInfo, releaseMergeReservation, reserveForMerge, updateContact } from './index';

let n = 0;
const newId = () => `id-${++n}`;
function contact(id: string, info: Record<string, unknown>, extra: ContactEvent[] = []): ContactState {
  const events = [...createContact(undefined, { contactId: id, info }, newId), ...extra];
  return fold(events.map((e) => ({ ...e, occurredAt: '2026-01-01T00:00:00.000Z' })))!;
}

describe('merge', () => {
  const target = contact('t', { name: { first: 'Ada' }, emails: { items: [{ email: 'ada@x.io' }] }, labelKeys: { items: ['custom.a'] }, extendedFields: { items: { 'custom.tier': 'gold' } } });
  const s1 = contact('s1', { name: { first: 'Augusta' }, company: 'Engines', emails: { items: [{ email: 'ADA@x.io' }, { email: 'ada@work.io' }] }, labelKeys: { items: ['custom.b', 'custom.a'] }, extendedFields: { items: { 'custom.tier': 'silver', 'custom.size': 3 } } });
  const s2 = contact('s2', { company: 'Other', jobTitle: 'Countess', phones: { items: [{ phone: '+14155550100' }] } });

  it('keeps the target, fills what it lacks from sources in order, appends arrays without duplicates', () => {
    const info = mergedInfo(target.info, [s1.info, s2.info]);
    expect(info.name).toEqual({ first: 'Ada' });
    expect(info.company).toBe('Engines');
    expect(info.jobTitle).toBe('Countess');
    expect(info.emails!.items.map((e) => [e.email, e.primary])).toEqual([['ada@x.io', true], ['ada@work.io', false]]);
    expect(info.phones!.items.map((p) => p.e164Phone)).toEqual(['+14155550100']);
    expect(info.labelKeys!.items).toEqual(['custom.a', 'custom.b']);
    expect(info.extendedFields!.items).toEqual({ 'custom.tier': 'gold', 'custom.size': 3 });
  });

  it('records the merge on the target with a new revision and CONTACT_MERGED activity', () => {
    const events = mergeContacts(target, [s1, s2], { sourceContactIds: ['s1', 's2'], targetRevision: 1 });
    const merged = fold([...[...createContact(undefined, { contactId: 't', info: target.info as Record<string, unknown> }, newId), ...events].map((e) => ({ ...e, occurredAt: '2026-02-01T00:00:00.000Z' }))])!;
    expect(merged.revision).toBe(2);
    expect(merged.lastActivity).toEqual({ activityDate: '2026-02-01T00:00:00.000Z', activityType: 'CONTACT_MERGED' });
  });

  it('names the merge on its event when given an id', () => {
    const [event] = mergeContacts(target, [s1], { sourceContactIds: ['s1'], targetRevision: 1, mergeId: 'm-1' });
    expect(event).toMatchObject({ type: 'ContactsMerged', data: { sourceContactIds: ['s1'], mergeId: 'm-1' } });
  });

  it('marks a source merged whatever happened to it since, once', () => {
    const marked: ContactEvent[] = [{ type: 'ContactDeleted', data: { contactId: 's1', mergedInto: 't' } }];
    expect(markMergedInto(s1, 't')).toEqual(marked);
    // Deleted concurrently after the merge read it: it still went into the target.
    const deleted = contact('s1', { name: { first: 'A' } }, deleteContact(contact('s1', { name: { first: 'A' } })));
    expect(markMergedInto(deleted, 't')).toEqual(marked);
    const done = contact('s1', { name: { first: 'A' } }, marked);
    expect(markMergedInto(done, 't')).toEqual([]);
    expect(() => markMergedInto(done, 'other')).toThrow(expect.objectContaining({ code: 'CONTACT_ALREADY_MERGED' }));
  });

  it('refuses bad merges', () => {
    const member = contact('m', { name: { first: 'M' }, extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } });
    expect(() => mergeContacts(target, [s1], { sourceContactIds: ['s1'], targetRevision: 0 })).toThrow(expect.objectContaining({ code: 'REVISION_MISMATCH' }));
    expect(() => mergeContacts(target, [], { sourceContactIds: [] })).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
    expect(() => mergeContacts(target, Array(6).fill(s1), { sourceContactIds: ['1', '2', '3', '4', '5', '6'] })).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
    expect(() => mergeContacts(target, [target], { sourceContactIds: ['t'] })).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
    expect(() => mergeContacts(target, [undefined], { sourceContactIds: ['nope'] })).toThrow(expect.objectContaining({ code: 'CONTACT_NOT_FOUND', data: { missingContactIds: ['nope'] } }));
    expect(() => mergeContacts(target, [member], { sourceContactIds: ['m'] })).toThrow(expect.objectContaining({ code: 'SOURCE_IS_MEMBER' }));
    expect(mergeContacts(member, [s1], { sourceContactIds: ['s1'] })).toHaveLength(1);
  });
});

describe('members and no-op updates', () => {
  it('refuses to delete a member', () => {
    const member = contact('m', { name: { first: 'M' }, extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } });
    expect(() => deleteContact(member)).toThrow(expect.objectContaining({ kind: 'FAILED_PRECONDITION', code: 'CONTACT_IS_MEMBER' }));
  });

  it('records nothing for an update that changes nothing, so repeating it is harmless', () => {
    const state = contact('c', { name: { first: 'Ada' }, emails: { items: [{ email: 'a@x.io' }] } });
    expect(updateContact(state, { revision: 1, info: { name: { first: 'Ada' }, emails: { items: [{ email: 'a@x.io' }] } } }, newId)).toEqual([]);
    expect(updateContact(state, { revision: 1, info: { name: { first: 'Ada' }, company: 'New' } }, newId)).toEqual([
      { type: 'ContactUpdated', data: { info: { company: 'New' } } },
    ]);
  });
});

describe('merge reservations', () => {
  const at = (events: ContactEvent[] | ReturnType<typeof reserveForMerge>) => events.map((e) => ({ ...e, occurredAt: '2026-01-01T00:00:00.000Z' })) as Parameters<typeof currentReservation>[0];

  it('lets one merge hold a contact until it releases it; a merge it no longer counts for can take over', () => {
    const first = reserveForMerge('c', undefined, false, 'm1', 't1');
    const held = currentReservation(at(first));
    expect(held).toMatchObject({ mergeId: 'm1', targetContactId: 't1' });
    expect(reserveForMerge('c', held, false, 'm1', 't1')).toEqual([]);
    expect(() => reserveForMerge('c', held, true, 'm2', 't2')).toThrow(expect.objectContaining({ code: 'MERGE_IN_PROGRESS', data: { contactId: 'c' } }));
    expect(reserveForMerge('c', held, false, 'm2', 't2')).toHaveLength(1);
    expect(releaseMergeReservation(held, 'm2')).toEqual([]);
    const released = at([...first, ...releaseMergeReservation(held, 'm1')]);
    expect(currentReservation(released)).toBeUndefined();
  });
});
