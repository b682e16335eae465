import { STATUS_CODES } from 'node:http';
import { AppError } from '@cp/errors';
import { MAX_BODY_BYTES, MAX_QUERY_BODY_BYTES } from './json-body';

/** Longest URL (path and query string) the gateway reads; longer ones are a 414. */
export const MAX_URL_LENGTH = 8 * 1024;
/** Longest path segment (a path id or key); Fastify's router refuses longer ones with a 414. */
export const MAX_PATH_SEGMENT_LENGTH = 256;
/** Request line plus headers; Node's HTTP parser refuses more with a 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * A refusal at the HTTP level, before any route runs, with a status of its own that no
 * ErrorKind names (413, 414, 415, 431). The messages made here never repeat the request's path
 * or headers: they may be huge, or made to be reflected.
 */
export class HttpRefusal extends AppError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    data: Record<string, unknown> = {},
  ) {
    super('INVALID_ARGUMENT', code, message, data);
  }
}

export const uriTooLong = () => new HttpRefusal(414, 'URI_TOO_LONG', `The URL is longer than ${MAX_URL_LENGTH} characters, or a path segment longer than ${MAX_PATH_SEGMENT_LENGTH}`);

/**
 * A 4xx that Fastify raised (body, media type, URL), in the API's terms; undefined for anything
 * else. Nest hands Fastify's errors on as HttpExceptions with the same status, so the status
 * decides, not Fastify's error code.
 */
export function refusalForStatus(status: number, message: string, bodyLimit?: number): HttpRefusal | undefined {
  if (status < 400 || status > 499) return undefined;
  switch (status) {
    case 413:
      return bodyTooLarge(bodyLimit);
    case 414:
      return uriTooLong();
    case 415:
      return new HttpRefusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be JSON, sent with content-type: application/json');
    case 431:
      return headersTooLarge();
  }
  return new HttpRefusal(status, status === 400 ? 'INVALID_ARGUMENT' : `HTTP_${status}`, message || (STATUS_CODES[status] ?? 'Bad request'));
}

/** What Fastify's router refused before any hook ran (frameworkErrors): its messages quote the URL, so they are not kept. */
export function routerRefusal(error: { code?: unknown; statusCode?: unknown }): HttpRefusal | undefined {
  const { code, statusCode } = error;
  if (code === 'FST_ERR_BAD_URL') return new HttpRefusal(400, 'INVALID_URL', 'The URL is not valid (a path segment is not valid percent-encoding)');
  return typeof statusCode === 'number' ? refusalForStatus(statusCode, STATUS_CODES[statusCode] ?? '') : undefined;
}

/** `maxBytes` is the route's own limit when known (see bodyLimitOf). */
const bodyTooLarge = (maxBytes?: number) =>
  new HttpRefusal(
    413,
    'PAYLOAD_TOO_LARGE',
    maxBytes
      ? `The request body is larger than the ${maxBytes} bytes this route accepts`
      : `The request body is too large (${MAX_BODY_BYTES} bytes for contact bodies, ${MAX_QUERY_BODY_BYTES} for the others)`,
    maxBytes ? { maxBytes } : {},
  );

const headersTooLarge = () => new HttpRefusal(431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', `The request line and headers are larger than ${MAX_HEADER_BYTES} bytes`);

/** What Node's HTTP parser refused (it answers before Fastify sees a request). */
export function connectionRefusal(error: { code?: string }): HttpRefusal {
  if (error.code === 'HPE_HEADER_OVERFLOW') return headersTooLarge();
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new HttpRefusal(408, 'REQUEST_TIMEOUT', 'The request was not received in time');
  return new HttpRefusal(400, 'MALFORMED_REQUEST', 'The request is not valid HTTP/1.1');
}
