import { createHmac } from 'node:crypto';
import { Identity } from '@cp/contacts-domain';
import { contactDataKeyId, siteKey, siteStream } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { DataKeyDestroyedError, DataKeys, EventStore, NewEvent, sealEvents, SealingPolicy } from '@cp/event-store';
import { contactIdOf, IDENTITY_STREAM_PREFIX, isContactStream, isIdentityStream } from './streams';

/**
 * Which of the contacts service's events hold personal data, and whose (docs/privacy.md): every
 * event of a contact's stream but its erasure, and an identity claim (its address or phone),
 * each sealed with that contact's data key. Releases and erasures name a contact by id only.
 */
export const contactSealingPolicy: SealingPolicy = (streamId: string, event: NewEvent) => {
  if (isContactStream(streamId)) return event.type === 'ContactErased' ? undefined : contactDataKeyId(event.metadata.siteId, contactIdOf(streamId));
  if (isIdentityStream(streamId) && event.type === 'IdentityClaimed') return contactDataKeyId(event.metadata.siteId, (event.data as { contactId: string }).contactId);
  return undefined;
};

/** The contacts service's event store as everything in it reads and writes it: personal data sealed. */
export function sealContactEvents<Store extends EventStore>(store: Store, keys: DataKeys): Store {
  return sealEvents(store, keys, contactSealingPolicy);
}

/**
 * Names the identity-claim streams (`contactidentity-<siteKey>.<kind>:<hash>`) by a keyed hash of
 * the address or phone, HMAC-SHA256 under a random secret per site kept in the key store (so a
 * rotation of the master key rewraps it and the names stay): the same value always finds the
 * same stream, and a stream name says nothing of whom it is about, so nothing is left to read
 * once the claim's own data is shredded.
 */
export class IdentityStreams {
  constructor(private readonly keys: Pick<DataKeys, 'keyFor'>) {}

  async of(siteId: string, identity: Identity): Promise<string> {
    const secret = await this.keys.keyFor(`identity-names:${siteKey(siteId)}`);
    const hash = createHmac('sha256', secret).update(`${identity.kind}:${identity.value}`).digest('base64url');
    return siteStream(IDENTITY_STREAM_PREFIX, siteId, `${identity.kind}:${hash}`);
  }
}

/** A write for a contact erased meanwhile (another replica erased it between this one's read and its append) is a 404, as it would have been a moment later. */
export async function erasedIsNotFound<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DataKeyDestroyedError) throw AppError.notFound('CONTACT_NOT_FOUND', 'Contact not found (erased)');
    throw error;
  }
}
