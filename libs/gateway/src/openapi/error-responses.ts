import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import { HttpMethod, operationsOf } from './document-walk';
import { ref } from './schema-builders';

/** What each error status means on this API; its body is always the error envelope. */
const ERROR_MEANINGS = {
  400: 'Invalid input: `validationError.fieldViolations` names each bad field, or `applicationError.code` says what was wrong',
  401: 'No API key, or an unknown one',
  403: "The key lacks the operation's scope, or may not act on this site",
  404: 'Not found (on this site)',
  409: 'A conflict: a stale revision (REVISION_MISMATCH), a duplicate (DUPLICATE_CONTACT_EXISTS), or a concurrent change; retry with fresh data',
  413: 'The body is larger than the route accepts',
  414: 'The URL, or one of its path segments, is too long',
  415: 'The body is not JSON (content-type: application/json)',
  428: 'A precondition does not hold (e.g. the job or delivery is not in a state that allows it)',
  429: 'Rate limited (retry after the Retry-After header), or a quota reached (EXTENDED_FIELDS_LIMIT_REACHED)',
  431: 'The request headers are too large',
  500: 'An unexpected error; nothing of it was stored',
  503: 'A service is unavailable or the gateway is shutting down; retry',
} as const;

export type ErrorStatus = keyof typeof ERROR_MEANINGS;

export function errorResponse(status: ErrorStatus): { status: number; description: string; schema: ReturnType<typeof ref> } {
  return { status, description: ERROR_MEANINGS[status], schema: ref('ErrorEnvelope') };
}

/** Any operation can answer these: refusals of the HTTP layer (400, 414, 431) and the unexpected (500, 503). */
const ANY_OPERATION: ErrorStatus[] = [400, 414, 431, 500, 503];
const AUTHENTICATED: ErrorStatus[] = [401, 403, 429];
/** Fastify reads a body on these methods whether or not the route takes one: too large, or not JSON. */
const BODY_METHODS: ReadonlySet<HttpMethod> = new Set(['post', 'put', 'patch', 'delete']);
const WITH_BODY: ErrorStatus[] = [413, 415];

/**
 * Adds the errors every operation of its kind can answer (authenticated, a method with a body),
 * so that each operation's decorator names only its own, and a fuzzer finds every status documented.
 */
export function addCommonErrors(document: OpenAPIObject): void {
  for (const { method, operation } of operationsOf(document)) {
    const statuses = [...ANY_OPERATION, ...(operation.security?.length ? AUTHENTICATED : []), ...(BODY_METHODS.has(method) ? WITH_BODY : [])];
    for (const status of statuses) {
      const { description, schema } = errorResponse(status);
      operation.responses[status] ??= { description, content: { 'application/json': { schema } } } satisfies ResponseObject;
    }
  }
}
