import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppError } from '@cp/errors';
import { jsonNestsDeeperThan } from './json-depth';

/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
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
  fastify.removeAllContentTypeParsers();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  adapter.useBodyParser('application/json', false, { bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(null, undefined);
    if (jsonNestsDeeperThan(bytes, MAX_BODY_DEPTH)) return done(tooDeep(), undefined);
    parse(request, bytes.toString('utf8'), (error, parsed) => (error ? done(invalidJson(), undefined) : done(null, parsed)));
  });
}

const tooDeep = () =>
  new AppError('INVALID_ARGUMENT', 'BODY_TOO_DEEP', `The JSON body nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels`, { maxDepth: MAX_BODY_DEPTH });
const invalidJson = () => new AppError('INVALID_ARGUMENT', 'INVALID_JSON', 'The request body is not valid JSON (or holds a __proto__ or constructor.prototype key)');
