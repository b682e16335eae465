import { createHash } from 'node:crypto';

/**
 * Public events: what leaves the platform (webhooks, the change feed), in the shape of Wix's
 * domain events, so that Wix's SDK dispatches them unchanged. Each owning service makes them
 * from its event store (a checkpointed relay, never a request handler) and publishes them on its
 * public topic; the webhooks context stores them in its feed, which assigns `entityEventSequence`
 * and the feed cursor, and delivers them.
 */
export interface PublicEvent {
  /** A UUID derived from the stored event's id (and an ordinal when one stored event gives several): stable across retries and replays. */
  id: string;
  /** e.g. `wix.contacts.v4.contact_created`. */
  eventType: PublicEventType;
  /** The site id. */
  instanceId: string;
  /** e.g. `wix.contacts.v4.contact`. */
  entityFqdn: string;
  /** `created`, `updated`, `deleted`, `merged`. */
  slug: string;
  entityId: string;
  eventTime: string;
  triggeredByAnonymizeRequest: boolean;
  /** `merge` for the `contact_updated` / `contact_deleted` a merge causes. */
  originatedFrom?: string;
  /** Strictly increasing per entity; assigned by the feed when it stores the event (0 until then). */
  entityEventSequence: number;
  createdEvent?: { entity: unknown };
  updatedEvent?: { currentEntity: unknown };
  deletedEvent?: { deletedEntity?: unknown };
  actionEvent?: { body: unknown };
  /**
   * Who caused it: `{ identityType: 'APP', appId: <API key name> }`; `ANONYMOUS_VISITOR` for a
   * recipient's unsubscribe link; `UNKNOWN` for the platform's own follow-up changes.
   */
  identity: { identityType: 'APP' | 'ANONYMOUS_VISITOR' | 'UNKNOWN'; appId?: string };
}

/**
 * A public event on its way from the owning service to the feed. `sourcePosition` orders the
 * public events of one entity as its owner made them (stored-event revision, then ordinal):
 * the feed drops one not newer than the last it stored for that entity, so a republished event
 * (the relay is at least once) is stored once.
 */
export interface PublishedPublicEvent {
  event: PublicEvent;
  sourcePosition: [revision: number, ordinal: number];
  correlationId?: string;
}

export const PUBLIC_EVENT_TYPES = [
  'wix.contacts.v4.contact_created',
  'wix.contacts.v4.contact_updated',
  'wix.contacts.v4.contact_deleted',
  'wix.contacts.v4.contact_merged',
  'wix.contacts.v4.label_created',
  'wix.contacts.v4.label_updated',
  'wix.contacts.v4.label_deleted',
  'wix.contacts.v4.extended-field_created',
  'wix.contacts.v4.extended-field_updated',
  'wix.contacts.v4.extended-field_deleted',
  'com.wixpress.emailsubscriptions.v1.EmailSubscriptionChanged',
] as const;

export type PublicEventType = (typeof PUBLIC_EVENT_TYPES)[number];

export function isPublicEventType(value: unknown): value is PublicEventType {
  return typeof value === 'string' && (PUBLIC_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * Events Wix sends as plain messages rather than domain events: a webhook's `data` is the
 * message itself (the event's `actionEvent.body`), which is what Wix's SDK hands its handler.
 */
export const MESSAGE_EVENT_TYPES: readonly PublicEventType[] = ['com.wixpress.emailsubscriptions.v1.EmailSubscriptionChanged'];

export const PublicEntityFqdns = {
  contact: 'wix.contacts.v4.contact',
  label: 'wix.contacts.v4.label',
  extendedField: 'wix.contacts.v4.extended_field',
  emailSubscription: 'wix.emailsubscriptions.v1.emailsubscription',
} as const;

/** Each owning service publishes its public events on a topic of its own (Kafka key: `<siteKey>:<entityId>`). */
export const PublicEventTopics = {
  contacts: 'contacts.public-events',
  labels: 'labels.public-events',
  extendedFields: 'extended-fields.public-events',
} as const;

/** The identity of a change: the API key's name for a key's request, an anonymous visitor for an unsubscribe link's, UNKNOWN for the platform's own follow-ups. */
export function publicIdentity(actor: { type: string; id: string } | undefined): PublicEvent['identity'] {
  if (!actor || actor.type === 'SYSTEM') return { identityType: 'UNKNOWN' };
  return actor.type === 'VISITOR' ? { identityType: 'ANONYMOUS_VISITOR' } : { identityType: 'APP', appId: actor.id };
}

/** A UUID (version-5 layout, SHA-1) derived from parts: the same parts always give the same id. */
export function derivedUuid(...parts: (string | number)[]): string {
  const hash = createHash('sha1').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What a public event takes from the stored event it is made of. */
export interface StoredEventSource {
  id: string;
  siteId: string;
  revision: number;
  occurredAt: string;
  actor?: { type: string; id: string };
  correlationId?: string;
}

export type PublicEventBody = Pick<PublicEvent, 'createdEvent' | 'updatedEvent' | 'deletedEvent' | 'actionEvent' | 'originatedFrom'> & Partial<Pick<PublicEvent, 'triggeredByAnonymizeRequest'>>;

/**
 * The one way a stored event becomes a public event: id derived from the stored event and the
 * ordinal (the `ordinal`th public event that stored event gives), its time, site and author;
 * `sourcePosition` orders it among its entity's others for the feed.
 */
export function publishedPublicEvent(
  stored: StoredEventSource,
  ordinal: number,
  about: { eventType: PublicEventType; slug: string; entityFqdn: string; entityId: string },
  body: PublicEventBody,
): PublishedPublicEvent {
  return {
    event: {
      id: derivedUuid(stored.id, ordinal),
      eventType: about.eventType,
      instanceId: stored.siteId,
      entityFqdn: about.entityFqdn,
      slug: about.slug,
      entityId: about.entityId,
      eventTime: stored.occurredAt,
      entityEventSequence: 0,
      identity: publicIdentity(stored.actor),
      ...body,
      triggeredByAnonymizeRequest: body.triggeredByAnonymizeRequest ?? false,
    },
    sourcePosition: [stored.revision, ordinal],
    ...(stored.correlationId && { correlationId: stored.correlationId }),
  };
}
