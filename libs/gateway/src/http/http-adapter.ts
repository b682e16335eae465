import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { AppError } from '@cp/errors';
import { SerializedReply } from '@cp/messaging';
import { nameActiveHttpSpan } from '@cp/observability';
import type { Logger, ProcessMetrics } from '@cp/observability';
import { logAccess, routeOf } from './access-log';
import { HttpDrain } from './drain';
import { BrowserSecurityOptions, useBrowserSecurity } from './browser-security';
import { errorResponse } from './error-response';
import { connectionRefusal, routerRefusal, MAX_HEADER_BYTES, MAX_PATH_SEGMENT_LENGTH, MAX_URL_LENGTH, uriTooLong } from './http-refusals';
import { MAX_BODY_BYTES, useJsonBodiesOnly, useUnsubscribeFormBodies } from './json-body';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

/**
 * The gateway's Fastify adapter, shared by the standalone app and the distributed gateway.
 * Every request gets an id (the client's `x-request-id` when acceptable) echoed on its response;
 * bodies are JSON only (and forms on the unsubscribe route), bounded in size and depth; refusals
 * that Fastify or Node's HTTP parser make before any route runs (bad URL, URL or headers too
 * large) answer in the API's error envelope too. A service reply that is still serialized (the
 * in-process transport's) goes out as it came; everything else is serialized as usual.
 * With `accessLog`, each answered request is one line of it (access-log.ts); with `drain`, the
 * requests are counted so that a shutdown can wait for them (drain.ts). Browsers get security
 * headers, and CORS for the configured origins (browser-security.ts). With tracing on, a request's
 * span is named after its route.
 */
export function gatewayHttpAdapter(options: GatewayHttpOptions = {}): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT_LENGTH },
    requestIdHeader: false,
    genReqId: requestIdOf,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  const fastify = adapter.getInstance();
  fastify.setReplySerializer((payload) => (payload instanceof SerializedReply ? payload.json : JSON.stringify(payload)));
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    nameActiveHttpSpan(request.method, routeOf(request));
    done(request.raw.url && request.raw.url.length > MAX_URL_LENGTH ? uriTooLong() : undefined);
  });
  const { accessLog, drain, metrics } = options;
  if (drain) {
    drain.watch(fastify.server);
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (drain.draining) void reply.header('connection', 'close');
      done(null, payload);
    });
  }
  if (accessLog || metrics) {
    fastify.addHook('onResponse', (request, reply, done) => {
      if (accessLog) logAccess(accessLog, request, reply);
      // Requests no route matched share one label: their URLs are anyone's to choose.
      metrics?.httpRequestDuration.observe({ method: request.method, route: routeOf(request) ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
  }
  useJsonBodiesOnly(adapter);
  useUnsubscribeFormBodies(adapter);
  useBrowserSecurity(adapter, options);
  return adapter;
}

export interface GatewayHttpOptions extends BrowserSecurityOptions {
  /** Where the line of each request goes (the process's logger); absent: none. */
  accessLog?: Logger;
  /** The shutdown's view of the requests in flight. */
  drain?: HttpDrain;
  /** Where each request is counted and timed (http_request_duration_seconds); absent: nowhere. */
  metrics?: ProcessMetrics;
}

/** Fastify's router refused the URL (bad percent-encoding, a path segment too long) before any hook ran. */
function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = errorResponse(routerRefusal(error) ?? new AppError('INTERNAL', 'INTERNAL', 'Internal error'), request.id);
  void reply.header(REQUEST_ID_HEADER, request.id).code(status).send(body);
}

/** Node's HTTP parser gave up on a connection (headers too large, malformed request): answer in the envelope, then close. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const requestId = randomUUID();
  const { status, body } = errorResponse(connectionRefusal(error), requestId);
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(json)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\nconnection: close\r\n\r\n${json}`,
    );
  }
  // The client may keep sending what the parser refused; do not keep its socket open for it.
  setTimeout(() => socket.destroy(), 1000).unref();
}
