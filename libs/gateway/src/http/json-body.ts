import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppError } from '@cp/errors';
import { checkFilterLimits } from '@cp/query';
import { UNSUBSCRIBE_PATH } from '../email-subscriptions/unsubscribe-links';
import { jsonNestsDeeperThan } from './json-depth';

/**
 * Request bodies larger than these are refused with 413, from their declared length before a
 * byte is read. A request's cost (parse, validation, transport) grows with its body, so the
 * limits bound how long one request can hold the event loop (about 40 ms for 1 MiB here):
 * bodies that carry a contact's info (the largest valid contact is well under 1 MiB) get
 * MAX_BODY_BYTES, every other body (filters are at most 64 KiB) MAX_QUERY_BODY_BYTES.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_QUERY_BODY_BYTES = 128 * 1024;
/** The unsubscribe route is public: a form with a token and `List-Unsubscribe=One-Click` needs far less. */
export const MAX_FORM_BODY_BYTES = 8 * 1024;

/** Routes whose bodies carry contact info: create, update, bulk update (with or without the `/_api` prefix). */
const CONTACT_BODY_ROUTES: { method: string; url: RegExp }[] = [
  { method: 'POST', url: /^(\/_api)?\/contacts\/v4\/contacts$/ },
  { method: 'PATCH', url: /^(\/_api)?\/contacts\/v4\/contacts\/:id$/ },
  { method: 'POST', url: /^(\/_api)?\/contacts\/v4\/bulk\/contacts\/update$/ },
];

/** The one route that reads forms: the unsubscribe link's button and RFC 8058 one-click POSTs (with or without `/_api`). */
const FORM_BODY_ROUTE = new RegExp(`^(/_api)?/${UNSUBSCRIBE_PATH}/?$`);

/** The route of an import's upload: multipart, streamed (docs/api.md, "Imports"). */
const IMPORT_UPLOAD_ROUTE = /^(\/_api)?\/contacts\/v4\/imports$/;

/** The body limit of a route, by its method and URL pattern. */
export function bodyLimitOf(method: string | string[], url: string): number {
  if (FORM_BODY_ROUTE.test(url)) return MAX_FORM_BODY_BYTES;
  const methods = Array.isArray(method) ? method : [method];
  return CONTACT_BODY_ROUTES.some((route) => methods.includes(route.method) && route.url.test(url)) ? MAX_BODY_BYTES : MAX_QUERY_BODY_BYTES;
}
/** Objects and arrays nested deeper than this are refused with 400 before anything walks the body. */
export const MAX_BODY_DEPTH = 32;

/**
 * The only body the API reads is JSON (`application/json`, with any parameters such as a
 * charset): every other media type is a 415. An empty body is no body, so a DELETE or GET that
 * carries `content-type: application/json` without one is served. Fastify's own parser does the
 * parsing (it refuses `__proto__` and `constructor.prototype` keys); the depth is checked first,
 * without recursion, because validation and transformation recurse over the whole body.
 */
export function useJsonBodiesOnly(adapter: FastifyAdapter): void {
  const fastify = adapter.getInstance();
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit ??= bodyLimitOf(route.method, route.url);
  });
  fastify.removeAllContentTypeParsers();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  adapter.useBodyParser('application/json', false, { bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(null, undefined);
    if (jsonNestsDeeperThan(bytes, MAX_BODY_DEPTH)) return done(tooDeep(), undefined);
    parse(request, bytes.toString('utf8'), (error, parsed) => {
      if (error) return done(invalidJson(), undefined);
      try {
        refuseFiltersPastLimits(parsed);
      } catch (refusal) {
        return done(refusal as Error, undefined);
      }
      done(null, parsed);
    });
  });
}

/**
 * Forms (`application/x-www-form-urlencoded`, or `multipart/form-data` as some mail clients send
 * one-click POSTs) on the unsubscribe route only; on every other route they stay a 415, as any
 * media type but JSON is. A urlencoded body becomes an object of its fields (the last of a
 * repeated one); a multipart body is read within the route's limit and dropped, since nothing
 * the route needs is in it (the token is in the URL).
 */
export function useUnsubscribeFormBodies(adapter: FastifyAdapter): void {
  const fastify = adapter.getInstance();
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    if (!FORM_BODY_ROUTE.test(request.routeOptions.url ?? '')) return done(unsupportedMediaType(), undefined);
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  fastify.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    const route = request.routeOptions.url ?? '';
    // An import's upload is streamed by its route, whatever its size (import-upload.ts).
    if (IMPORT_UPLOAD_ROUTE.test(route)) return done(null, payload);
    if (!FORM_BODY_ROUTE.test(route)) return done(unsupportedMediaType(), undefined);
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FORM_BODY_BYTES) return;
      payload.destroy();
      done(bodyTooLarge(), undefined);
    });
    payload.on('end', () => size <= MAX_FORM_BODY_BYTES && done(null, {}));
    payload.on('error', (error) => done(error, undefined));
  });
}

/**
 * A body's filter (`filter` or `query.filter`, as every route that takes one has it) is held to
 * the filter limits as soon as it is parsed: validation, transformation and the hop to the
 * service each walk the whole body, which for a 1 MiB `$in` cost ~150 ms before the service
 * could refuse it. The services check again, for messages that did not come through here.
 */
function refuseFiltersPastLimits(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const { filter, query } = body as { filter?: unknown; query?: { filter?: unknown } };
  if (filter !== undefined) checkFilterLimits(filter, 'filter');
  if (typeof query === 'object' && query !== null && query.filter !== undefined) checkFilterLimits(query.filter, 'query.filter');
}

const tooDeep = () =>
  new AppError('INVALID_ARGUMENT', 'BODY_TOO_DEEP', `The JSON body nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels`, { maxDepth: MAX_BODY_DEPTH });
const invalidJson = () => new AppError('INVALID_ARGUMENT', 'INVALID_JSON', 'The request body is not valid JSON (or holds a __proto__ or constructor.prototype key)');
/** Fastify's own refusal of a media type it has no parser for, so the answer is the 415 it gives for any other type. */
/** Fastify's own refusal of a body past the limit, so the answer is the 413 it gives elsewhere. */
const bodyTooLarge = () => Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
const unsupportedMediaType = () => Object.assign(new Error('Unsupported Media Type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
