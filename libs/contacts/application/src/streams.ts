import { Identity } from '@cp/contacts-domain';

/** Stream names carry the tenant: `contact-<siteId>.<contactId>`. */
export const CONTACT_STREAM_PREFIX = 'contact-';
export const IDENTITY_STREAM_PREFIX = 'contactidentity-';

export function contactStream(siteId: string, contactId: string): string {
  return `${CONTACT_STREAM_PREFIX}${siteId}.${contactId}`;
}

export function identityStream(siteId: string, identity: Identity): string {
  return `${IDENTITY_STREAM_PREFIX}${siteId}.${identity.kind}:${identity.value}`;
}

export function isContactStream(streamId: string): boolean {
  return streamId.startsWith(CONTACT_STREAM_PREFIX);
}

/** The contact id is what follows the last dot: site ids may hold dots, contact ids (UUIDs) do not. */
export function contactIdOf(streamId: string): string {
  return streamId.slice(streamId.lastIndexOf('.') + 1);
}
