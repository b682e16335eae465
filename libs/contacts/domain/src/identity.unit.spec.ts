import { claimHolders, claimIdentity, createContact, evolveClaims, fold, identitiesToCheck, IdentityClaimEventRecord, releaseIdentity } from './index';

const info = (raw: Record<string, unknown>) =>
  fold(createContact(undefined, { contactId: 'c', info: raw }, () => 'id').map((e) => ({ ...e, occurredAt: 't' })))!.info;

describe('identities', () => {
  it('compares emails case-insensitively and checks emails before phones', () => {
    const identities = identitiesToCheck(info({ emails: { items: [{ email: 'Ada@X.io' }] }, phones: { items: [{ phone: '+14155550100' }] } }));
    expect(identities).toEqual([{ kind: 'email', value: 'ada@x.io' }]);
  });

  it('falls back to the E.164 phone when there is no email', () => {
    expect(identitiesToCheck(info({ phones: { items: [{ phone: '(415) 555-0100', countryCode: 'US' }] } }))).toEqual([
      { kind: 'phone', value: '+14155550100' },
    ]);
  });

  it('refuses a claim held by another live contact, naming it', () => {
    expect(() => claimIdentity({ kind: 'email', value: 'a@x.io' }, 'new', 'old')).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_CONTACT_EXISTS', data: { duplicateContactId: 'old', duplicateEmail: 'a@x.io' } }),
    );
    expect(claimIdentity({ kind: 'email', value: 'a@x.io' }, 'new')).toEqual([
      { type: 'IdentityClaimed', data: { contactId: 'new', kind: 'email', value: 'a@x.io' } },
    ]);
  });

  it('tracks holders through claims and releases', () => {
    const events: IdentityClaimEventRecord[] = [
      { type: 'IdentityClaimed', data: { contactId: 'a', kind: 'email', value: 'v' }, occurredAt: 't1' },
      { type: 'IdentityClaimed', data: { contactId: 'b', kind: 'email', value: 'v' }, occurredAt: 't2' },
      { type: 'IdentityClaimed', data: { contactId: 'b', kind: 'email', value: 'v' }, occurredAt: 't3' },
      { type: 'IdentityReleased', data: { contactId: 'a' }, occurredAt: 't4' },
    ];
    expect(claimHolders(events)).toEqual([{ contactId: 'b', claimedAt: 't2' }]);
    const state = events.reduce(evolveClaims, new Map<string, string>());
    expect(releaseIdentity(state, 'a')).toEqual([]);
    expect(releaseIdentity(state, 'b')).toEqual([{ type: 'IdentityReleased', data: { contactId: 'b' } }]);
  });
});
