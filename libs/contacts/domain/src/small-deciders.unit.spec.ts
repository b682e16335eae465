import { DeciderSpecification } from '@cp/testing';
import {
  emailSubscriptionDecider,
  EmailSubscriptionEventRecord,
  identityClaimDecider,
  IdentityClaimEventRecord,
  mergeReservationDecider,
  MergeReservationEventRecord,
} from './index';

const at = '2026-01-01T00:00:00.000Z';

describe('identity claim decider', () => {
  const given = DeciderSpecification.for(identityClaimDecider);
  const email = { kind: 'email' as const, value: 'ada@example.com' };
  const claimed: IdentityClaimEventRecord = { type: 'IdentityClaimed', data: { contactId: 'c1', kind: 'email', value: 'ada@example.com' }, occurredAt: at };

  it('claims an identity, unless the caller found a live holder', () => {
    given([]).when({ type: 'ClaimIdentity', data: { identity: email, contactId: 'c2' } }).then([{ type: 'IdentityClaimed', data: { contactId: 'c2', kind: 'email', value: 'ada@example.com' } }]);
    given([claimed]).when({ type: 'ClaimIdentity', data: { identity: email, contactId: 'c2', duplicateOf: 'c1' } }).thenThrows({ code: 'DUPLICATE_CONTACT_EXISTS', data: { duplicateContactId: 'c1' } });
  });

  it('releases only a claim the contact holds', () => {
    given([claimed]).when({ type: 'ReleaseIdentity', data: { contactId: 'c1' } }).then([{ type: 'IdentityReleased', data: { contactId: 'c1' } }]);
    given([claimed]).when({ type: 'ReleaseIdentity', data: { contactId: 'c2' } }).thenNothingHappened();
    given([claimed, { type: 'IdentityReleased', data: { contactId: 'c1' }, occurredAt: at }]).when({ type: 'ReleaseIdentity', data: { contactId: 'c1' } }).thenNothingHappened();
  });
});

describe('merge reservation decider', () => {
  const given = DeciderSpecification.for(mergeReservationDecider);
  const reserved: MergeReservationEventRecord = { type: 'MergeReserved', data: { mergeId: 'm1', targetContactId: 't1' }, occurredAt: at };
  const reserve = (mergeId: string, heldByOther: boolean) => ({ type: 'ReserveForMerge' as const, data: { contactId: 'c1', mergeId, targetContactId: 't2', heldByOther } });

  it('reserves a free contact, once per merge', () => {
    given([]).when(reserve('m2', false)).then([{ type: 'MergeReserved', data: { mergeId: 'm2', targetContactId: 't2' } }]);
    given([reserved]).when({ ...reserve('m1', false), data: { ...reserve('m1', false).data, targetContactId: 't1' } }).thenNothingHappened();
  });

  it("refuses a contact another merge still holds, and takes over one it no longer does", () => {
    given([reserved]).when(reserve('m2', true)).thenThrows({ code: 'MERGE_IN_PROGRESS' });
    given([reserved]).when(reserve('m2', false)).then([{ type: 'MergeReserved', data: { mergeId: 'm2', targetContactId: 't2' } }]);
  });

  it("releases the merge's own reservation only", () => {
    given([reserved]).when({ type: 'ReleaseMergeReservation', data: { mergeId: 'm1' } }).then([{ type: 'MergeReservationReleased', data: { mergeId: 'm1' } }]);
    given([reserved]).when({ type: 'ReleaseMergeReservation', data: { mergeId: 'm2' } }).thenNothingHappened();
  });
});

describe('email subscription decider', () => {
  const given = DeciderSpecification.for(emailSubscriptionDecider);
  const created: EmailSubscriptionEventRecord = {
    type: 'EmailSubscriptionCreated',
    data: { subscriptionId: 's1', email: 'Ada@Example.com', subscriptionStatus: 'SUBSCRIBED', deliverabilityStatus: 'NOT_SET' },
    occurredAt: at,
  };
  const upsert = (changes: { subscriptionStatus?: 'SUBSCRIBED' | 'UNSUBSCRIBED'; deliverabilityStatus?: 'VALID' }) => ({
    type: 'UpsertEmailSubscription' as const,
    data: { subscriptionId: 's1', upsert: { email: 'ada@example.com', ...changes } },
  });

  it('creates a subscription with the statuses given, NOT_SET for the others', () => {
    given([]).when(upsert({ subscriptionStatus: 'SUBSCRIBED' })).then([
      { type: 'EmailSubscriptionCreated', data: { subscriptionId: 's1', email: 'ada@example.com', subscriptionStatus: 'SUBSCRIBED', deliverabilityStatus: 'NOT_SET' } },
    ]);
  });

  it('changes only what the upsert names, under the address first stored, and records nothing when nothing changes', () => {
    given([created]).when(upsert({ deliverabilityStatus: 'VALID' })).then([
      { type: 'EmailSubscriptionStatusChanged', data: { email: 'Ada@Example.com', subscriptionStatus: 'SUBSCRIBED', deliverabilityStatus: 'VALID' } },
    ]);
    given([created]).when(upsert({ subscriptionStatus: 'SUBSCRIBED' })).thenNothingHappened();
  });
});
