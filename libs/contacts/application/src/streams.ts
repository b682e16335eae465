import { emailKey } from '@cp/contacts-domain';
import { derivedUuid, siteStream, streamEntityId } from '@cp/contracts';

/** Stream names carry the tenant: `contact-<siteKey>.<contactId>` (see siteKey in @cp/contracts). */
export const CONTACT_STREAM_PREFIX = 'contact-';
export const IDENTITY_STREAM_PREFIX = 'contactidentity-';

export function contactStream(siteId: string, contactId: string): string {
  return siteStream(CONTACT_STREAM_PREFIX, siteId, contactId);
}

export function isIdentityStream(streamId: string): boolean {
  return streamId.startsWith(IDENTITY_STREAM_PREFIX);
}

export function isContactStream(streamId: string): boolean {
  return streamId.startsWith(CONTACT_STREAM_PREFIX);
}

/** The contact id is what follows the site key, which holds no dot. */
export function contactIdOf(streamId: string): string {
  return streamEntityId(streamId);
}

/** Email subscriptions: `emailsubscription-<siteKey>.<subscriptionId>`; the id derives from the address, so the name holds none. */
export const EMAIL_SUBSCRIPTION_STREAM_PREFIX = 'emailsubscription-';

export function emailSubscriptionStream(siteId: string, subscriptionId: string): string {
  return siteStream(EMAIL_SUBSCRIPTION_STREAM_PREFIX, siteId, subscriptionId);
}

export function isEmailSubscriptionStream(streamId: string): boolean {
  return streamId.startsWith(EMAIL_SUBSCRIPTION_STREAM_PREFIX);
}

/** One subscription per (site, address compared case-insensitively): its id is derived from them, so an upsert needs no look-up. */
export function emailSubscriptionId(siteId: string, email: string): string {
  return derivedUuid('email-subscription', siteId, emailKey(email));
}
