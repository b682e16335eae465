import {
  claimHolders,
  ContactEventRecord,
  ContactState,
  ContactView,
  emailAddresses,
  emailKey,
  EmailSubscriptionEventRecord,
  EmailSubscriptionState,
  evolve,
  evolveSubscription,
  fold,
  IdentityClaimEventRecord,
  toContactView,
} from '@cp/contacts-domain';
import { derivedUuid, PublicEntityFqdns, PublicEventBody, PublicEventTopics, PublicEventType, PublishedPublicEvent, publishedPublicEvent } from '@cp/contracts';
import { EventStore, RecordedEvent, recordOf, recordsOf } from '@cp/event-store';
import { EventPublisher, EventRelay, publicEventRelay, StreamStateCache } from '@cp/messaging';
import { CheckpointStore, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { toSubscriptionView } from './email-subscription-read-model';
import { EmailStatusHistory } from './email-status-history';
import { IdentityStreams } from './personal-data';
import { CONTACT_STREAM_PREFIX, contactIdOf, contactStream, EMAIL_SUBSCRIPTION_STREAM_PREFIX, isContactStream, isEmailSubscriptionStream } from './streams';

type Body = PublicEventBody;

const UPDATES = new Set(['ContactUpdated', 'ContactLabeled', 'ContactUnlabeled', 'ContactExtendedFieldsSet', 'ContactExtendedFieldsRemoved']);

/**
 * Stored contact events as public events (docs/events.md, "Public events"). The entity is the
 * contact as Get Contact shows it, at its state right after the event (for a delete: right
 * before); a merge gives `contact_merged`, then the target's `contact_updated`. Events on a
 * contact already deleted (a merge's second marking of a source) give nothing.
 *
 * A contact's view shows its addresses' email subscriptions as they were at the event (read
 * from the subscription streams up to its position, so a replay makes the same events). A
 * subscription change gives `EmailSubscriptionChanged`, and `contact_updated` for each live
 * contact with that address whose view it changes — without a new revision: the revision counts
 * the contact's own changes (docs/events.md, "Email subscriptions and contacts").
 */
export class ContactPublicEvents {
  private readonly states: StreamStateCache<ContactState | undefined>;
  private readonly subscriptionStates: StreamStateCache<EmailSubscriptionState | undefined>;
  private readonly statuses: EmailStatusHistory;

  constructor(
    private readonly store: EventStore,
    private readonly identityStreams: IdentityStreams,
    cacheSize?: number,
  ) {
    this.states = new StreamStateCache<ContactState | undefined>(store, (state, event) => (event.redacted ? state : evolve(state, recordOf<ContactEventRecord>(event))), undefined, cacheSize);
    this.subscriptionStates = new StreamStateCache<EmailSubscriptionState | undefined>(store, (state, event) => evolveSubscription(state, recordOf<EmailSubscriptionEventRecord>(event)), undefined, cacheSize);
    this.statuses = new EmailStatusHistory(store);
  }

  async map(event: RecordedEvent): Promise<PublishedPublicEvent[]> {
    if (isEmailSubscriptionStream(event.streamId)) return this.mapSubscriptionEvent(event);
    if (!isContactStream(event.streamId)) return [];
    const { before, after } = await this.states.step(event);
    const published = (ordinal: number, eventType: PublicEventType, slug: string, body: Body) => publicEvent(event, ordinal, eventType, slug, body);
    // Receivers that kept the contact are told to forget it too, deleted before or not; the event names it by id only.
    if (event.type === 'ContactErased') {
      const contactId = contactIdOf(event.streamId);
      return [published(0, 'wix.contacts.v4.contact_deleted', 'deleted', { deletedEvent: { deletedEntity: { id: contactId } }, triggeredByAnonymizeRequest: true })];
    }
    if (before?.deleted || event.redacted) return [];
    const view = (state: ContactState) => this.viewAt(event, state, (earlier) => earlier.globalPosition < event.globalPosition);
    if (event.type === 'ContactCreated') {
      return [published(0, 'wix.contacts.v4.contact_created', 'created', { createdEvent: { entity: await view(after!) } })];
    }
    if (UPDATES.has(event.type)) {
      return [published(0, 'wix.contacts.v4.contact_updated', 'updated', { updatedEvent: { currentEntity: await view(after!) } })];
    }
    if (event.type === 'ContactsMerged') {
      const targetContact = await view(after!);
      const { sourceContactIds } = event.data as { sourceContactIds: string[] };
      return [
        published(0, 'wix.contacts.v4.contact_merged', 'merged', { actionEvent: { body: { targetContactId: contactIdOf(event.streamId), sourceContactIds, targetContact } } }),
        published(1, 'wix.contacts.v4.contact_updated', 'updated', { updatedEvent: { currentEntity: targetContact }, originatedFrom: 'merge' }),
      ];
    }
    if (event.type === 'ContactDeleted' && before) {
      const { mergedInto } = event.data as { mergedInto?: string };
      return [published(0, 'wix.contacts.v4.contact_deleted', 'deleted', { deletedEvent: { deletedEntity: await view(before) }, ...(mergedInto && { originatedFrom: 'merge' }) })];
    }
    return [];
  }

  private async viewAt(event: RecordedEvent, state: ContactState, counts: (subscriptionEvent: RecordedEvent) => boolean): Promise<ContactView> {
    return toContactView(state, await this.statuses.at(event.siteId, emailAddresses(state.info), counts));
  }

  private async mapSubscriptionEvent(event: RecordedEvent): Promise<PublishedPublicEvent[]> {
    const { after } = await this.subscriptionStates.step(event);
    if (!after) return [];
    const changed = publishedPublicEvent(
      event,
      0,
      { eventType: 'com.wixpress.emailsubscriptions.v1.EmailSubscriptionChanged', slug: 'email_subscription_changed', entityFqdn: PublicEntityFqdns.emailSubscription, entityId: after.id },
      { actionEvent: { body: { subscription: toSubscriptionView(after) } } },
    );
    return [changed, ...(await this.contactsShowing(event, after.email))];
  }

  /**
   * `contact_updated` for each live contact that had the address when the subscription changed
   * and whose view changed with it. Its source position sorts it after the contact's own event
   * of that revision (ordinals 0 and 1) and after earlier subscription changes (the ordinal
   * grows with the store's position), before the contact's next revision.
   */
  private async contactsShowing(event: RecordedEvent, email: string): Promise<PublishedPublicEvent[]> {
    const before = (other: RecordedEvent) => other.globalPosition < event.globalPosition;
    const claims = (await this.store.readStream(await this.identityStreams.of(event.siteId, { kind: 'email', value: emailKey(email) }))).filter(before);
    const holders = claimHolders(recordsOf<IdentityClaimEventRecord>(claims)).map((holder) => holder.contactId).sort();
    const published: PublishedPublicEvent[] = [];
    for (const contactId of holders) {
      const events = (await this.store.readStream(contactStream(event.siteId, contactId))).filter(before);
      const state = fold(recordsOf<ContactEventRecord>(events));
      if (!state || state.deleted || !emailAddresses(state.info).includes(emailKey(email))) continue;
      const upTo = (other: RecordedEvent) => other.globalPosition <= event.globalPosition;
      const [statusesBefore, statusesAfter] = await this.statuses.asOf(event.siteId, emailAddresses(state.info), [before, upTo]);
      const now = toContactView(state, statusesAfter);
      if (JSON.stringify(toContactView(state, statusesBefore)) === JSON.stringify(now)) continue;
      const update = publishedPublicEvent(
        { ...event, revision: events[events.length - 1].revision },
        2 + event.globalPosition,
        { eventType: 'wix.contacts.v4.contact_updated', slug: 'updated', entityFqdn: PublicEntityFqdns.contact, entityId: contactId },
        { updatedEvent: { currentEntity: now } },
      );
      published.push({ ...update, event: { ...update.event, id: derivedUuid(event.id, 'contact', contactId) } });
    }
    return published;
  }
}

/** The contacts service's relay of its public events to `contacts.public-events`. */
export function contactPublicEventRelay(options: {
  eventStore: EventStore;
  identityStreams: IdentityStreams;
  readStore: ReadStore;
  publisher: EventPublisher;
  logger: ProjectionLogger;
  checkpoints?: CheckpointStore;
}): EventRelay<PublishedPublicEvent> {
  const publicEvents = new ContactPublicEvents(options.eventStore, options.identityStreams);
  return publicEventRelay({
    ...options,
    service: 'contacts',
    topic: PublicEventTopics.contacts,
    streamPrefixes: [CONTACT_STREAM_PREFIX, EMAIL_SUBSCRIPTION_STREAM_PREFIX],
    map: (event) => publicEvents.map(event),
  });
}

function publicEvent(event: RecordedEvent, ordinal: number, eventType: PublicEventType, slug: string, body: Body): PublishedPublicEvent {
  return publishedPublicEvent(event, ordinal, { eventType, slug, entityFqdn: PublicEntityFqdns.contact, entityId: contactIdOf(event.streamId) }, body);
}
