import { createHash, createHmac } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import { ContactEventRecord } from '@cp/contacts-domain';
import { CreateContactPayload, derivedUuid } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { Idempotency, RecordedEvent, recordsOf } from '@cp/event-store';

/**
 * Idempotent creates (docs/api.md, "Idempotency-Key"): the contact's id derives from the site
 * and the key, so a create sent again, on any replica, after any crash, meets the stream the
 * first attempt wrote — the key needs no store of its own and cannot outlive or miss its
 * contact. The request's digest is kept in the create's event metadata, so a key reused for a
 * different request is refused instead of answered with someone else's contact.
 */
export function idempotencyOf(payload: CreateContactPayload): Idempotency | undefined {
  if (payload.idempotencyKey === undefined) return undefined;
  // Key order does not matter: a client that rebuilds its body for the retry sends the same request.
  const request = stableStringify({ info: payload.info ?? {}, allowDuplicates: payload.allowDuplicates ?? false });
  return { key: payload.idempotencyKey, fingerprint: createHash('sha256').update(request).digest('hex') };
}

/**
 * The digest as stored, keyed with the contact's data key (HMAC-SHA256): the metadata it is kept
 * in stays in clear, and a bare digest of the request would let anyone holding the store test a
 * guessed address against it, even after the contact's erasure.
 */
export function keyedIdempotency(idempotency: Idempotency, contactKey: Buffer): Idempotency {
  return { key: idempotency.key, fingerprint: createHmac('sha256', contactKey).update(idempotency.fingerprint).digest('hex') };
}

export function idempotentContactId(siteId: string, idempotency: Idempotency): string {
  return derivedUuid('contact-create', siteId, idempotency.key);
}

/**
 * The events the create with this idempotency wrote, the first of the stream (a create appends
 * them together, with one metadata). A stream begun by another request refuses the key.
 */
export function eventsOfCreate(events: readonly RecordedEvent[], idempotency: Idempotency): ContactEventRecord[] {
  const first = events[0]?.idempotency;
  if (first?.key !== idempotency.key || first.fingerprint !== idempotency.fingerprint) {
    throw AppError.conflict('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request; use a new key for a new contact');
  }
  const end = events.findIndex((event) => event.idempotency?.key !== idempotency.key);
  return recordsOf<ContactEventRecord>(events.slice(0, end < 0 ? events.length : end));
}
