import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@cp/observability';
import type { RequestContext } from '@cp/contracts';

/** Routes that orchestrators and scrapers call every few seconds: logged at debug, not info. */
export const OPERATIONS_ROUTES: ReadonlySet<string> = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/** The route pattern (bounded: never the raw URL with its ids); undefined for a request no route matched. */
export function routeOf(request: FastifyRequest): string | undefined {
  return request.routeOptions?.url;
}

/**
 * One line per request once it is answered: request id, method, route (the pattern), status,
 * duration, and for an authenticated request its site and the API key's name (the caller the
 * AuthGuard attached). Errors of the server (5xx) are warnings; the error itself is logged where
 * it happened.
 */
export function logAccess(log: Logger, request: FastifyRequest, reply: FastifyReply): void {
  const route = routeOf(request);
  const level = route !== undefined && OPERATIONS_ROUTES.has(route) ? 'debug' : reply.statusCode >= 500 ? 'warn' : 'info';
  if (!log.isLevelEnabled(level)) return;
  const caller = (request as { callerContext?: RequestContext }).callerContext;
  const durationMs = Math.round(reply.elapsedTime * 10) / 10;
  const path = route ?? request.url.split('?')[0];
  log[level](
    {
      reqId: request.id,
      method: request.method,
      route,
      ...(route === undefined ? { path } : {}),
      status: reply.statusCode,
      durationMs,
      siteId: caller?.siteId,
      keyName: caller?.actor.id,
      userAgent: request.headers['user-agent'],
    },
    `${request.method} ${path} ${reply.statusCode} ${durationMs} ms`,
  );
}
