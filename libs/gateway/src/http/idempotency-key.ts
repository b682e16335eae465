import { randomUUID } from 'node:crypto';
import { AppError } from '@cp/errors';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Visible ASCII, as the IETF draft's and Stripe's keys are (a UUID is typical), up to Stripe's 255. */
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** The keys an import gives its rows' creates (`import:<importId>:<row>`): a client's key may not pose as one. */
const RESERVED_PREFIX = 'import:';

/**
 * The create's idempotency key: the client's `Idempotency-Key` when it sent one (docs/api.md),
 * else a fresh one, so that the gateway's own retry after a timeout is deduplicated too.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string {
  if (header === undefined) return randomUUID();
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw AppError.invalidField('Idempotency-Key', 'must be 1 to 255 visible ASCII characters, sent once', 'INVALID_IDEMPOTENCY_KEY');
  }
  if (header.startsWith(RESERVED_PREFIX)) throw AppError.invalidField('Idempotency-Key', `may not begin with ${RESERVED_PREFIX} (the keys of imports' rows)`, 'INVALID_IDEMPOTENCY_KEY');
  return header;
}
