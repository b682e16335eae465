import { Identity } from '@cp/contacts-domain';
import { siteStream, streamEntityId } from '@cp/contracts';

/** Stream names carry the tenant: `contact-<siteKey>.<contactId>` (see siteKey in @cp/contracts). */
export const CONTACT_STREAM_PREFIX = 'contact-';
export const IDENTITY_STREAM_PREFIX = 'contactidentity-';

export function contactStream(siteId: string, contactId: string): string {
  return siteStream(CONTACT_STREAM_PREFIX, siteId, contactId);
}

export function identityStream(siteId: string, identity: Identity): string {
  return siteStream(IDENTITY_STREAM_PREFIX, siteId, `${identity.kind}:${identity.value}`);
}

export function isContactStream(streamId: string): boolean {
  return streamId.startsWith(CONTACT_STREAM_PREFIX);
}

/** The contact id is what follows the site key, which holds no dot. */
export function contactIdOf(streamId: string): string {
  return streamEntityId(streamId);
}
