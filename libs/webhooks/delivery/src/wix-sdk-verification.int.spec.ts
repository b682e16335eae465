import { MESSAGE_EVENT_TYPES, PUBLIC_EVENT_TYPES, PublicEntityFqdns, type PublicEvent, type PublicEventType } from '@cp/contracts';
import { contacts, extendedFields, labels } from '@wix/crm';
import { emailSubscriptions } from '@wix/email-subscriptions';
import { AppStrategy, createClient } from '@wix/sdk';
import { generateKeyPairSync } from 'node:crypto';
import { loadSigningKeys, type SigningKeys } from './signing-keys';
import { signWixWebhook, wixWebhookPayload } from './wix-jwt';

/**
 * The acceptance test of the Wix envelope: a receiver written exactly as a Wix app developer
 * would write one, with Wix's own SDK, must take our POST body unchanged.
 */
const newKeys = (): SigningKeys =>
  loadSigningKeys({
    privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
const keys = newKeys();

const eventTime = '2024-05-06T07:08:09.000Z';
const contact = { id: 'c-1', revision: 2, createdDate: eventTime, updatedDate: eventTime, info: { name: { first: 'Ada' } } };
const label = { key: 'custom.vip', displayName: 'VIP', labelType: 'USER_DEFINED', createdDate: eventTime, updatedDate: eventTime };
const field = { key: 'custom.shoe-size', displayName: 'Shoe size', dataType: 'NUMBER', createdDate: eventTime, updatedDate: eventTime };

const cases: Record<PublicEventType, { handler: string; event: Partial<PublicEvent>; expect: (call: Envelope) => void }> = {
  'wix.contacts.v4.contact_created': {
    handler: 'contacts.onContactCreated',
    event: { entityFqdn: PublicEntityFqdns.contact, slug: 'created', entityId: 'c-1', createdEvent: { entity: contact } },
    expect: (call) => expect(call.entity).toMatchObject({ _id: 'c-1', info: { name: { first: 'Ada' } }, _createdDate: new Date(eventTime) }),
  },
  'wix.contacts.v4.contact_updated': {
    handler: 'contacts.onContactUpdated',
    event: { entityFqdn: PublicEntityFqdns.contact, slug: 'updated', entityId: 'c-1', updatedEvent: { currentEntity: contact } },
    expect: (call) => expect(call.entity).toMatchObject({ _id: 'c-1', revision: 2 }),
  },
  'wix.contacts.v4.contact_deleted': {
    handler: 'contacts.onContactDeleted',
    event: { entityFqdn: PublicEntityFqdns.contact, slug: 'deleted', entityId: 'c-1', originatedFrom: 'merge', deletedEvent: { deletedEntity: contact } },
    expect: (call) => {
      expect(call.entity).toMatchObject({ _id: 'c-1' });
      expect(call.metadata.originatedFrom).toBe('merge');
    },
  },
  'wix.contacts.v4.contact_merged': {
    handler: 'contacts.onContactMerged',
    event: {
      entityFqdn: PublicEntityFqdns.contact,
      slug: 'merged',
      entityId: 'c-1',
      actionEvent: { body: { sourceContactIds: ['c-2'], targetContactId: 'c-1', targetContact: contact } },
    },
    expect: (call) =>
      expect(call.data).toMatchObject({ sourceContactIds: ['c-2'], targetContactId: 'c-1', targetContact: { _id: 'c-1', _createdDate: new Date(eventTime) } }),
  },
  'wix.contacts.v4.label_created': {
    handler: 'labels.onLabelCreated',
    event: { entityFqdn: PublicEntityFqdns.label, slug: 'created', entityId: 'custom.vip', createdEvent: { entity: label } },
    expect: (call) => expect(call.entity).toMatchObject({ key: 'custom.vip', displayName: 'VIP', _createdDate: new Date(eventTime) }),
  },
  'wix.contacts.v4.label_updated': {
    handler: 'labels.onLabelUpdated',
    event: { entityFqdn: PublicEntityFqdns.label, slug: 'updated', entityId: 'custom.vip', updatedEvent: { currentEntity: label } },
    expect: (call) => expect(call.entity).toMatchObject({ key: 'custom.vip' }),
  },
  'wix.contacts.v4.label_deleted': {
    handler: 'labels.onLabelDeleted',
    event: { entityFqdn: PublicEntityFqdns.label, slug: 'deleted', entityId: 'custom.vip', deletedEvent: {} },
    expect: (call) => expect(call.entity).toBeUndefined(),
  },
  'wix.contacts.v4.extended-field_created': {
    handler: 'extendedFields.onExtendedFieldCreated',
    event: { entityFqdn: PublicEntityFqdns.extendedField, slug: 'created', entityId: 'custom.shoe-size', createdEvent: { entity: field } },
    expect: (call) => expect(call.entity).toMatchObject({ key: 'custom.shoe-size', dataType: 'NUMBER' }),
  },
  'wix.contacts.v4.extended-field_updated': {
    handler: 'extendedFields.onExtendedFieldUpdated',
    event: { entityFqdn: PublicEntityFqdns.extendedField, slug: 'updated', entityId: 'custom.shoe-size', updatedEvent: { currentEntity: field } },
    expect: (call) => expect(call.entity).toMatchObject({ key: 'custom.shoe-size' }),
  },
  'wix.contacts.v4.extended-field_deleted': {
    handler: 'extendedFields.onExtendedFieldDeleted',
    event: { entityFqdn: PublicEntityFqdns.extendedField, slug: 'deleted', entityId: 'custom.shoe-size', deletedEvent: { deletedEntity: field } },
    expect: (call) => expect(call.entity).toMatchObject({ key: 'custom.shoe-size' }),
  },
  'com.wixpress.emailsubscriptions.v1.EmailSubscriptionChanged': {
    handler: 'emailSubscriptions.onEmailsubscriptionEmailSubscriptionChanged',
    event: {
      entityFqdn: PublicEntityFqdns.emailSubscription,
      slug: 'email_subscription_changed',
      entityId: 'e-1',
      actionEvent: { body: { subscription: { id: 'e-1', email: 'ada@example.com', subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'VALID', createdDate: eventTime, updatedDate: eventTime } } },
    },
    expect: (call) =>
      expect(call.data).toEqual({
        subscription: { _id: 'e-1', email: 'ada@example.com', subscriptionStatus: 'UNSUBSCRIBED', deliverabilityStatus: 'VALID', _createdDate: new Date(eventTime), _updatedDate: new Date(eventTime) },
      }),
  },
};

const DOMAIN_EVENT_TYPES = PUBLIC_EVENT_TYPES.filter((type) => !MESSAGE_EVENT_TYPES.includes(type));

interface Envelope {
  entity?: Record<string, unknown>;
  data?: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

function publicEvent(eventType: PublicEventType, overrides: Partial<PublicEvent>): PublicEvent {
  return {
    id: '6a1f3c1e-3f0a-5b7e-8c1d-0123456789ab',
    eventType,
    instanceId: 'site-1',
    entityFqdn: '',
    slug: '',
    entityId: '',
    eventTime,
    triggeredByAnonymizeRequest: false,
    entityEventSequence: 7,
    identity: { identityType: 'APP', appId: 'my-api-key' },
    ...overrides,
  };
}

/** A receiver as a user writes it, recording which handler got what. */
function receiver(publicKey: string) {
  const client = createClient({
    auth: AppStrategy({ appId: 'our-app-id', publicKey }),
    modules: { contacts, labels, extendedFields, emailSubscriptions },
  });
  const calls: { handler: string; envelope: Envelope }[] = [];
  const record = (handler: string) => (envelope: unknown) => void calls.push({ handler, envelope: envelope as Envelope });
  client.contacts.onContactCreated(record('contacts.onContactCreated'));
  client.contacts.onContactUpdated(record('contacts.onContactUpdated'));
  client.contacts.onContactDeleted(record('contacts.onContactDeleted'));
  client.contacts.onContactMerged(record('contacts.onContactMerged'));
  client.labels.onLabelCreated(record('labels.onLabelCreated'));
  client.labels.onLabelUpdated(record('labels.onLabelUpdated'));
  client.labels.onLabelDeleted(record('labels.onLabelDeleted'));
  client.extendedFields.onExtendedFieldCreated(record('extendedFields.onExtendedFieldCreated'));
  client.extendedFields.onExtendedFieldUpdated(record('extendedFields.onExtendedFieldUpdated'));
  client.extendedFields.onExtendedFieldDeleted(record('extendedFields.onExtendedFieldDeleted'));
  client.emailSubscriptions.onEmailsubscriptionEmailSubscriptionChanged(record('emailSubscriptions.onEmailsubscriptionEmailSubscriptionChanged'));
  return { client, calls };
}

describe('a receiver built with Wix SDK (@wix/sdk AppStrategy + @wix/crm)', () => {
  it('covers every public event type', () => {
    expect(Object.keys(cases).sort()).toEqual([...PUBLIC_EVENT_TYPES].sort());
  });

  it.each(MESSAGE_EVENT_TYPES)('dispatches the message event %s to its handler with the message as data', async (eventType) => {
    const { client, calls } = receiver(keys.publicKeyPem);
    const body = await signWixWebhook(keys, wixWebhookPayload(publicEvent(eventType, cases[eventType].event)));

    await client.webhooks.process(body);

    expect(calls.map((call) => call.handler)).toEqual([cases[eventType].handler]);
    const [{ envelope }] = calls;
    cases[eventType].expect(envelope);
    expect(envelope.metadata).toMatchObject({ instanceId: 'site-1', identity: { identityType: 'APP', appId: 'my-api-key' } });
  });

  it.each(DOMAIN_EVENT_TYPES)('dispatches %s to its handler with the entity and metadata', async (eventType) => {
    const { client, calls } = receiver(keys.publicKeyPem);
    const body = await signWixWebhook(keys, wixWebhookPayload(publicEvent(eventType, cases[eventType].event)));

    const processed = await client.webhooks.process(body);

    expect(processed).toMatchObject({ eventType, instanceId: 'site-1', identity: { identityType: 'APP', appId: 'my-api-key' } });
    expect(calls.map((call) => call.handler)).toEqual([cases[eventType].handler]);
    const [{ envelope }] = calls;
    cases[eventType].expect(envelope);
    expect(envelope.metadata).toMatchObject({
      _id: '6a1f3c1e-3f0a-5b7e-8c1d-0123456789ab', // the SDK renames the event's `id`
      instanceId: 'site-1',
      identity: { identityType: 'APP', appId: 'my-api-key' },
      entityFqdn: cases[eventType].event.entityFqdn,
      slug: cases[eventType].event.slug,
      entityId: cases[eventType].event.entityId,
      eventTime: new Date(eventTime),
      triggeredByAnonymizeRequest: false,
      entityEventSequence: 7,
    });
    // As from Wix: the event type is the dispatch key, not part of the metadata.
    expect(envelope.metadata).not.toHaveProperty('eventType');
  });

  it('takes the public key base64-encoded too, as the Wix dashboard may give it', async () => {
    const { client, calls } = receiver(Buffer.from(keys.publicKeyPem).toString('base64'));
    await client.webhooks.process(await signWixWebhook(keys, wixWebhookPayload(publicEvent('wix.contacts.v4.label_created', cases['wix.contacts.v4.label_created'].event))));
    expect(calls).toHaveLength(1);
  });

  describe('refuses', () => {
    const payload = wixWebhookPayload(publicEvent('wix.contacts.v4.contact_created', cases['wix.contacts.v4.contact_created'].event));

    it('a tampered body', async () => {
      const { client, calls } = receiver(keys.publicKeyPem);
      const [header, claims, signature] = (await signWixWebhook(keys, payload)).split('.');
      const forged = Buffer.from(Buffer.from(claims, 'base64url').toString().replace('site-1', 'site-2')).toString('base64url');
      await expect(client.webhooks.process([header, forged, signature].join('.'))).rejects.toThrow(/signature verification failed/);
      const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
      await expect(client.webhooks.process([header, claims, flipped].join('.'))).rejects.toThrow(/signature verification failed/);
      expect(calls).toHaveLength(0);
    });

    it('a body signed with another key', async () => {
      const { client, calls } = receiver(keys.publicKeyPem);
      await expect(client.webhooks.process(await signWixWebhook(newKeys(), payload))).rejects.toThrow(/signature verification failed/);
      expect(calls).toHaveLength(0);
    });

    it('an expired body', async () => {
      const { client, calls } = receiver(keys.publicKeyPem);
      const body = await signWixWebhook(keys, payload, { now: new Date(Date.now() - 3_600_000), ttlSeconds: 600 });
      await expect(client.webhooks.process(body)).rejects.toThrow(/"exp" claim timestamp check failed/);
      expect(calls).toHaveLength(0);
    });

    it('an unsigned body', async () => {
      const { client } = receiver(keys.publicKeyPem);
      const [, claims] = (await signWixWebhook(keys, payload)).split('.');
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      await expect(client.webhooks.process(`${none}.${claims}.`)).rejects.toThrow();
    });
  });
});
