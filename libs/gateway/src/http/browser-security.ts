import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { ANY_ORIGIN, CorsOrigins } from './cors-origins';
import { REQUEST_ID_HEADER } from './request-id';

export interface BrowserSecurityOptions {
  /** CORS_ORIGINS: the origins whose pages may call the API; absent: no CORS headers at all. */
  corsOrigins?: CorsOrigins;
}

/** What a page of an allowed origin may read of an answer beyond the CORS-safelisted headers. */
export const CORS_EXPOSED_HEADERS = [REQUEST_ID_HEADER, 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** How long a browser may keep a preflight's answer. */
const CORS_MAX_AGE_SECONDS = 600;

/**
 * What browsers are told, for the standalone app and the distributed gateway alike: helmet's
 * security headers on every answer, and CORS for the origins of CORS_ORIGINS only.
 *
 * The Content-Security-Policy is helmet's default less `upgrade-insecure-requests`, so that a
 * server reached over plain http (self-hosted on a LAN, localhost) still loads its own pages:
 * the Swagger UI at /docs (its scripts are files of the same origin, its styles inline, which the
 * default allows) and the unsubscribe page, which sets a stricter policy of its own. HSTS is
 * sent as helmet sends it; browsers heed it over https only.
 *
 * CORS: the API authenticates by the Authorization header, never by cookies, so credentials are
 * not allowed, and a page of another origin gets nothing a server-side client could not. A
 * preflight is answered before any guard runs (browsers send it without the API key); for an
 * origin not in the list it carries no Access-Control-Allow-Origin, so the browser refuses.
 */
export function useBrowserSecurity(adapter: FastifyAdapter, options: BrowserSecurityOptions = {}): void {
  const fastify = adapter.getInstance();
  void fastify.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: true, directives: { upgradeInsecureRequests: null } },
  });
  if (options.corsOrigins === undefined) return;
  void fastify.register(fastifyCors, {
    origin: options.corsOrigins === ANY_ORIGIN ? ANY_ORIGIN : options.corsOrigins,
    credentials: false,
    methods: CORS_METHODS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
    // A preflight without Origin or Access-Control-Request-Method is no browser's; it gets the same 204.
    strictPreflight: false,
  });
}
