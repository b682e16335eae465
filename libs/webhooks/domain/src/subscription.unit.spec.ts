import { AppError } from '@cp/errors';
import { decideCreate, decideReplay, decideUpdate, foldSubscription, SubscriptionEventRecord, wants } from './subscription';

const known = ['wix.contacts.v4.contact_created', 'wix.contacts.v4.contact_updated'];
const at = '2026-01-01T00:00:00.000Z';

function created(fields: Record<string, unknown>) {
  const events = decideCreate({ id: 'sub-1', owner: 'sync-app', fields, knownEventTypes: known, newSecret: () => 'whsec_secret' });
  return foldSubscription(events.map((e) => ({ ...e, occurredAt: at }) as SubscriptionEventRecord))!;
}

function violations(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    return (error as AppError).violations.map((v) => `${v.field}:${v.violatedRule}`);
  }
  throw new Error('expected a violation');
}

describe('webhook subscriptions', () => {
  it('defaults to the Wix format, active, including own changes, and keeps no secret for it', () => {
    const state = created({ url: 'https://crm.example.com/hook', eventTypes: known });
    expect(state).toMatchObject({ format: 'WIX_JWT', status: 'ACTIVE', excludeOwnChanges: false, owner: 'sync-app', createdDate: at });
    expect(state.secret).toBeUndefined();
  });

  it('makes a secret for Standard Webhooks', () => {
    expect(created({ url: 'https://crm.example.com/hook', eventTypes: known, format: 'STANDARD_WEBHOOKS' }).secret).toBe('whsec_secret');
  });

  it('names every invalid field at once', () => {
    expect(violations(() => created({ url: 'ftp://x', eventTypes: ['nope'], format: 'XML', excludeOwnChanges: 'yes' }))).toEqual([
      'subscription.url:FORMAT',
      'subscription.eventTypes:VALUE',
      'subscription.format:VALUE',
      'subscription.excludeOwnChanges:FORMAT',
    ]);
    expect(violations(() => created({}))).toEqual(['subscription.url:REQUIRED', 'subscription.eventTypes:REQUIRED']);
    expect(violations(() => created({ url: 'https://user:pw@example.com/', eventTypes: known }))).toEqual(['subscription.url:FORMAT']);
    expect(violations(() => created({ url: 'https://example.com/', eventTypes: [] }))).toEqual(['subscription.eventTypes:FORMAT']);
  });

  it('updates only what changed, and refuses a format change', () => {
    const state = created({ url: 'https://a.example.com/', eventTypes: known });
    expect(decideUpdate(state, { url: 'https://a.example.com/' }, known)).toEqual([]);
    expect(decideUpdate(state, { status: 'PAUSED', excludeOwnChanges: true }, known)).toEqual([
      { type: 'WebhookSubscriptionUpdated', data: { excludeOwnChanges: true, status: 'PAUSED' } },
    ]);
    expect(violations(() => decideUpdate(state, { format: 'STANDARD_WEBHOOKS' }, known))).toEqual(['subscription.format:READ_ONLY']);
    expect(() => decideUpdate(undefined, { status: 'PAUSED' }, known)).toThrow(/No such webhook subscription/);
  });

  it('suppresses the owner’s own changes only when asked', () => {
    const including = created({ url: 'https://a.example.com/', eventTypes: known });
    const excluding = created({ url: 'https://a.example.com/', eventTypes: known, excludeOwnChanges: true });
    expect(wants(including, 'wix.contacts.v4.contact_created', 'sync-app')).toBe(true);
    expect(wants(excluding, 'wix.contacts.v4.contact_created', 'sync-app')).toBe(false);
    expect(wants(excluding, 'wix.contacts.v4.contact_created', 'dashboard')).toBe(true);
    expect(wants(excluding, 'wix.contacts.v4.contact_created', undefined)).toBe(true);
    expect(wants(including, 'wix.contacts.v4.contact_deleted', 'dashboard')).toBe(false);
  });

  it('takes a replay from a past date only', () => {
    const state = created({ url: 'https://a.example.com/', eventTypes: known });
    const now = new Date('2026-06-01T00:00:00Z');
    expect(decideReplay(state, 'r-1', '2026-05-01T00:00:00+02:00', now)).toEqual([
      { type: 'WebhookReplayRequested', data: { replayId: 'r-1', fromDate: '2026-04-30T22:00:00.000Z', wanted: { eventTypes: known, excludeOwnChanges: false, owner: 'sync-app' } } },
    ]);
    expect(violations(() => decideReplay(state, 'r-1', '2026-07-01T00:00:00Z', now))).toEqual(['fromDate:VALUE']);
    expect(violations(() => decideReplay(state, 'r-1', 'soon', now))).toEqual(['fromDate:FORMAT']);
  });
});
