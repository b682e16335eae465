import { AppError } from '@cp/errors';
import { effectiveEmail, EmailStatuses, evolveSubscription, foldSubscription, parseSubscriptionUpsert, upsertSubscription } from './email-subscription';

const at = (events: ReturnType<typeof upsertSubscription>, occurredAt: string) => events.map((event) => ({ ...event, occurredAt }));

describe('email subscription', () => {
  it('is created NOT_SET for what the upsert leaves out, then changes only what an upsert names', () => {
    const created = upsertSubscription(undefined, { email: 'Ada@X.com', deliverabilityStatus: 'VALID' }, 'id-1');
    expect(created).toEqual([{ type: 'EmailSubscriptionCreated', data: { subscriptionId: 'id-1', email: 'Ada@X.com', subscriptionStatus: 'NOT_SET', deliverabilityStatus: 'VALID' } }]);
    const state = foldSubscription(at(created, '2026-01-01T00:00:00.000Z'));

    const bounced = upsertSubscription(state, { email: 'ada@x.com', subscriptionStatus: 'UNSUBSCRIBED' }, 'id-1');
    expect(bounced).toEqual([{ type: 'EmailSubscriptionStatusChanged', data: { email: 'Ada@X.com', subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'VALID' } }]);
    const next = evolveSubscription(state, { ...bounced[0], occurredAt: '2026-01-02T00:00:00.000Z' });
    expect(next).toEqual({ id: 'id-1', email: 'Ada@X.com', subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'VALID', createdDate: '2026-01-01T00:00:00.000Z', updatedDate: '2026-01-02T00:00:00.000Z' });

    // Nothing to change, nothing recorded: re-importing the same statuses is free.
    expect(upsertSubscription(next, { email: 'ADA@x.com', subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'VALID' }, 'id-1')).toEqual([]);
  });

  it('parses an item as sent, naming the field of each problem', () => {
    expect(parseSubscriptionUpsert({ email: ' ada@x.com ', subscriptionStatus: 'SUBSCRIBED', deliverabilityStatus: null, id: 'ignored', _createdDate: 'x' })).toEqual({ email: 'ada@x.com', subscriptionStatus: 'SUBSCRIBED' });
    const refused = (raw: unknown) => {
      try {
        parseSubscriptionUpsert(raw, 'subscriptions[3]');
      } catch (error) {
        return (error as AppError).violations[0]?.field;
      }
      throw new Error('expected a refusal');
    };
    expect(refused({})).toBe('subscriptions[3].email');
    expect(refused({ email: 'nope' })).toBe('subscriptions[3].email');
    expect(refused({ email: 'a\u0000b@x.com' })).toBe('subscriptions[3].email');
    expect(refused({ email: 'a@x.com', subscriptionStatus: 'UNKNOWN' })).toBe('subscriptions[3].subscriptionStatus');
    expect(refused({ email: 'a@x.com', deliverabilityStatus: 'bounced' })).toBe('subscriptions[3].deliverabilityStatus');
    expect(refused({ email: 'a@x.com', status: 'SUBSCRIBED' })).toBe('subscriptions[3].status');
    expect(refused('a@x.com')).toBe('subscriptions[3]');
  });

  it('gives the first address, in the order given, neither unsubscribed nor undeliverable as the effective one', () => {
    const statuses: EmailStatuses = new Map([
      ['a@x.com', { subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'VALID' }],
      ['b@x.com', { subscriptionStatus: 'SUBSCRIBED', deliverabilityStatus: 'BOUNCED' }],
      ['c@x.com', { subscriptionStatus: 'SUBSCRIBED', deliverabilityStatus: 'INACTIVE' }],
    ]);
    expect(effectiveEmail(['A@x.com', 'b@x.com', 'D@x.com'], statuses)).toBe('D@x.com'); // D has no subscription: NOT_SET
    expect(effectiveEmail(['a@x.com', 'b@x.com', 'c@x.com'], statuses)).toBeUndefined();
    expect(effectiveEmail([], statuses)).toBeUndefined();
  });
});
