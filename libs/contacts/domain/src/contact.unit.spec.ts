import {
  ContactEvent,
  ContactEventRecord,
  ContactState,
  createContact,
  deleteContact,
  fold,
  labelContact,
  removeExtendedFieldValues,
  unlabelContact,
  setExtendedFieldValues,
  toContactView,
  updateContact,
} from './index';

let counter = 0;
const newId = () => `item-${++counter}`;
const at = (events: ContactEvent[], occurredAt = '2026-01-01T00:00:00.000Z'): ContactEventRecord[] =>
  events.map((event) => ({ ...event, occurredAt }));

function created(info: Record<string, unknown>): ContactState {
  return fold(at(createContact(undefined, { contactId: 'c1', info }, newId)))!;
}

function apply(state: ContactState, events: ContactEvent[], occurredAt = '2026-01-02T00:00:00.000Z'): ContactState {
  return fold([...replayOf(state), ...at(events, occurredAt)])!;
}

// Rebuilds a state's history as a single creation, enough for these tests.
function replayOf(state: ContactState): ContactEventRecord[] {
  const events: ContactEventRecord[] = [
    { type: 'ContactCreated', data: { contactId: state.id, info: state.info, source: state.source }, occurredAt: state.createdDate },
  ];
  for (let r = 1; r < state.revision; r++) {
    events.push({ type: 'ContactUpdated', data: { info: {} }, occurredAt: state.updatedDate });
  }
  return events;
}

describe('Contact aggregate', () => {
  describe('create', () => {
    it('starts at revision 1 with created and updated dates from the event', () => {
      const state = created({ name: { first: 'Ada' } });
      expect(state.revision).toBe(1);
      expect(state.createdDate).toBe('2026-01-01T00:00:00.000Z');
      expect(state.updatedDate).toBe(state.createdDate);
    });

    it('needs at least one of name, email or phone', () => {
      expect(() => created({ company: 'Acme' })).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
      expect(() => created({ name: { first: '  ' } })).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
      expect(created({ phones: { items: [{ phone: '+14155550100' }] } }).revision).toBe(1);
    });

    it('refuses a second creation of the same id', () => {
      const state = created({ name: { first: 'Ada' } });
      expect(() => createContact(state, { contactId: 'c1', info: { name: { first: 'B' } } }, newId)).toThrow(
        expect.objectContaining({ code: 'CONTACT_ID_ALREADY_EXISTS' }),
      );
    });

    it('makes exactly one email and one phone primary and derives primaryInfo', () => {
      const state = created({
        emails: { items: [{ email: 'a@x.io' }, { email: 'b@x.io', primary: true }, { email: 'c@x.io', primary: true }] },
        phones: { items: [{ phone: '+1 415 555 0100' }, { phone: '+44 20 7946 0958' }] },
      });
      expect(state.info.emails!.items.map((e) => e.primary)).toEqual([false, true, false]);
      expect(state.info.phones!.items.map((p) => p.primary)).toEqual([true, false]);
      const view = toContactView(state);
      expect(view.primaryInfo).toEqual({ email: 'b@x.io', phone: '+1 415 555 0100' });
      expect(view.primaryEmail?.email).toBe('b@x.io');
    });

    it('normalizes phones to E.164 where possible and keeps the rest as given', () => {
      const state = created({
        phones: { items: [{ phone: '(415) 555-0100', countryCode: 'us' }, { phone: '12345' }] },
      });
      const [valid, unparsable] = state.info.phones!.items;
      expect(valid).toMatchObject({ countryCode: 'US', e164Phone: '+14155550100' });
      expect(unparsable.e164Phone).toBeUndefined();
      expect(unparsable.phone).toBe('12345');
    });

    it('rejects bad emails, bad birthdates and unknown tags, naming each field', () => {
      try {
        created({
          name: { first: 'Ada' },
          emails: { items: [{ email: 'not-an-email' }] },
          birthdate: '1990-02-30',
          phones: { items: [{ phone: '+14155550100', tag: 'PAGER' }] },
        });
        fail('expected an error');
      } catch (error) {
        const fields = (error as { violations: { field: string }[] }).violations.map((v) => v.field);
        expect(fields).toEqual(
          expect.arrayContaining(['info.emails.items[0].email', 'info.birthdate', 'info.phones.items[0].tag']),
        );
      }
    });

    it('accepts a valid birthdate', () => {
      expect(created({ name: { first: 'A' }, birthdate: '1990-02-28' }).info.birthdate).toBe('1990-02-28');
    });

    it('allows at most 50 emails', () => {
      const emails = Array.from({ length: 51 }, (_, i) => ({ email: `p${i}@x.io` }));
      expect(() => created({ emails: { items: emails } })).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
      expect(created({ emails: { items: emails.slice(0, 50) } }).info.emails!.items).toHaveLength(50);
    });

    it('refuses fields that are not contact info', () => {
      expect(() => created({ name: { first: 'A' }, favouriteColour: 'red' })).toThrow(
        expect.objectContaining({ kind: 'INVALID_ARGUMENT' }),
      );
    });
  });

  describe('update', () => {
    it('replaces present top-level keys and keeps absent ones', () => {
      const state = created({ name: { first: 'Ada', last: 'L' }, company: 'Acme', emails: { items: [{ email: 'a@x.io' }] } });
      const next = apply(state, updateContact(state, { revision: 1, info: { name: { first: 'Grace' }, company: null } }, newId));
      expect(next.info.name).toEqual({ first: 'Grace' });
      expect(next.info.company).toBeUndefined();
      expect(next.info.emails!.items[0].email).toBe('a@x.io');
      expect(next.revision).toBe(2);
    });

    it('keeps the ids of items sent back and issues new ones for new items', () => {
      const state = created({ emails: { items: [{ email: 'a@x.io' }] } });
      const keptId = state.info.emails!.items[0].id;
      const events = updateContact(state, { revision: 1, info: { emails: { items: [{ id: keptId, email: 'a@x.io' }, { email: 'b@x.io' }] } } }, newId);
      const next = apply(state, events);
      expect(next.info.emails!.items[0].id).toBe(keptId);
      expect(next.info.emails!.items[1].id).not.toBe(keptId);
    });

    it('refuses a stale revision with the current one in the error', () => {
      const state = created({ name: { first: 'Ada' } });
      expect(() => updateContact(state, { revision: 0, info: { company: 'X' } }, newId)).toThrow(
        expect.objectContaining({ code: 'REVISION_MISMATCH', data: { currentRevision: 1 } }),
      );
    });

    it('refuses an update that leaves no name, email or phone', () => {
      const state = created({ name: { first: 'Ada' } });
      expect(() => updateContact(state, { revision: 1, info: { name: null } }, newId)).toThrow(
        expect.objectContaining({ kind: 'INVALID_ARGUMENT' }),
      );
    });
  });

  describe('delete', () => {
    it('marks the contact deleted; later commands see it as not found', () => {
      const state = created({ name: { first: 'Ada' } });
      const gone = apply(state, deleteContact(state));
      expect(gone.deleted).toBe(true);
      expect(() => deleteContact(gone)).toThrow(expect.objectContaining({ kind: 'NOT_FOUND' }));
      expect(() => updateContact(gone, { revision: 2, info: {} }, newId)).toThrow(expect.objectContaining({ kind: 'NOT_FOUND' }));
    });

    it('refuses to delete a contact that never existed', () => {
      expect(() => deleteContact(undefined)).toThrow(expect.objectContaining({ code: 'CONTACT_NOT_FOUND' }));
    });
  });

  describe('extended-field values', () => {
    it('sets and removes values, one revision each, and ignores keys it does not hold', () => {
      const state = created({ name: { first: 'Ada' } });
      const withValues = apply(state, setExtendedFieldValues(state, { 'custom.tier': 'gold', 'custom.score': 7 }));
      expect(withValues.info.extendedFields!.items).toEqual({ 'custom.tier': 'gold', 'custom.score': 7 });
      expect(withValues.revision).toBe(2);
      expect(removeExtendedFieldValues(withValues, ['custom.unknown'])).toEqual([]);
      const removed = apply(withValues, removeExtendedFieldValues(withValues, ['custom.tier']));
      expect(removed.info.extendedFields!.items).toEqual({ 'custom.score': 7 });
    });
  });

  describe('view', () => {
    it('derives the display-name system fields', () => {
      const view = toContactView(created({ name: { first: 'Ada', last: 'Lovelace' } }));
      expect(view.info.extendedFields!.items['contacts.displayByFirstName']).toBe('Ada Lovelace');
      expect(view.info.extendedFields!.items['contacts.displayByLastName']).toBe('Lovelace Ada');
    });
  });
});

describe('labels on a contact', () => {
  const base = () => fold(at(createContact(undefined, { contactId: 'c1', info: { name: { first: 'Ada' }, labelKeys: { items: ['custom.a'] } } }, newId)))!;
  const replay = (state: ContactState, events: ContactEvent[]) =>
    fold([...at(createContact(undefined, { contactId: "c1", info: state.info as Record<string, unknown> }, newId)), ...at(events)])!;

  it('adds only new labels, one event, one revision', () => {
    const state = base();
    expect(labelContact(state, ['custom.a'])).toEqual([]);
    const events = labelContact(state, ['custom.a', 'custom.b', 'custom.b']);
    expect(events).toEqual([{ type: 'ContactLabeled', data: { labelKeys: ['custom.b'] } }]);
    const labeled = replay(state, events);
    expect(labeled.info.labelKeys!.items).toEqual(['custom.a', 'custom.b']);
    expect(labeled.revision).toBe(2);
  });

  it('removes only labels it has', () => {
    const state = base();
    expect(unlabelContact(state, ['custom.z'])).toEqual([]);
    const unlabeled = replay(state, unlabelContact(state, ['custom.a', 'custom.z']));
    expect(unlabeled.info.labelKeys).toBeUndefined();
  });
});
