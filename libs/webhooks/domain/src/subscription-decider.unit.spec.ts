import { DeciderSpecification } from '@cp/testing';
import { CreateSubscription, SubscriptionEventRecord, webhookSubscriptionDecider } from './subscription';

const given = DeciderSpecification.for(webhookSubscriptionDecider);
const known = ['wix.contacts.v4.contact_created', 'wix.contacts.v4.contact_updated'];
const at = '2026-01-01T00:00:00.000Z';
const create: CreateSubscription = { id: 'sub-1', owner: 'sync-app', fields: { url: 'https://crm.example.com/hook', eventTypes: known }, knownEventTypes: known, newSecret: () => 'whsec_x' };
const createdData = { id: 'sub-1', url: 'https://crm.example.com/hook', eventTypes: known, format: 'WIX_JWT', excludeOwnChanges: false, owner: 'sync-app' };
const created: SubscriptionEventRecord = { type: 'WebhookSubscriptionCreated', data: createdData, occurredAt: at };
const deleted: SubscriptionEventRecord = { type: 'WebhookSubscriptionDeleted', data: {}, occurredAt: at };

describe('webhook subscription decider', () => {
  it('creates a subscription once', () => {
    given([]).when({ type: 'CreateWebhookSubscription', data: create }).then([{ type: 'WebhookSubscriptionCreated', data: createdData }]);
    given([created]).when({ type: 'CreateWebhookSubscription', data: create }).thenThrows({ code: 'SUBSCRIPTION_EXISTS' });
  });

  it('updates what changes, and pauses', () => {
    given([created])
      .when({ type: 'UpdateWebhookSubscription', data: { fields: { status: 'PAUSED', url: 'https://crm.example.com/hook' }, knownEventTypes: known } })
      .then([{ type: 'WebhookSubscriptionUpdated', data: { status: 'PAUSED' } }]);
    given([created]).when({ type: 'UpdateWebhookSubscription', data: { fields: { eventTypes: known }, knownEventTypes: known } }).thenNothingHappened();
    given([created]).when({ type: 'UpdateWebhookSubscription', data: { fields: { format: 'STANDARD_WEBHOOKS' }, knownEventTypes: known } }).thenThrows({ code: 'INVALID_ARGUMENT' });
  });

  it('deletes once; a deleted subscription is not found', () => {
    given([created]).when({ type: 'DeleteWebhookSubscription' }).then([{ type: 'WebhookSubscriptionDeleted', data: {} }]);
    given([created, deleted]).when({ type: 'DeleteWebhookSubscription' }).thenThrows({ code: 'SUBSCRIPTION_NOT_FOUND' });
  });

  it('records a replay from a past date with what the subscription wants then', () => {
    const now = new Date('2026-02-01T00:00:00.000Z');
    given([created])
      .when({ type: 'RequestWebhookReplay', data: { replayId: 'r1', fromDate: '2026-01-15T00:00:00Z', now } })
      .then([{ type: 'WebhookReplayRequested', data: { replayId: 'r1', fromDate: '2026-01-15T00:00:00.000Z', wanted: { eventTypes: known, excludeOwnChanges: false, owner: 'sync-app' } } }]);
    given([created]).when({ type: 'RequestWebhookReplay', data: { replayId: 'r1', fromDate: '2026-03-01T00:00:00Z', now } }).thenThrows({ code: 'INVALID_ARGUMENT' });
  });
});
