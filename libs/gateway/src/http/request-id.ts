import { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';
export const MAX_REQUEST_ID_LENGTH = 128;
/** What a client's request id may hold: it ends up on every event the request writes. */
const REQUEST_ID_PATTERN = new RegExp(`^[A-Za-z0-9._:-]{1,${MAX_REQUEST_ID_LENGTH}}$`);

export function isAcceptableRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}

/**
 * The id of a request (Fastify's `genReqId`): the client's `x-request-id` when it is short and
 * plain enough, else a new UUID. It is echoed on the response and becomes the correlation id
 * of the events the request causes.
 */
export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return isAcceptableRequestId(given) ? given : randomUUID();
}
