import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { AppError, ErrorKind, isAppError } from '@cp/errors';
import { errorResponse } from './error-response';
import { refusalForStatus } from './http-refusals';
import { REQUEST_ID_HEADER } from './request-id';

const KIND_OF_STATUS: Record<number, ErrorKind> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  428: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
};

interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

/**
 * Every error leaves the gateway in the API's envelope:
 * `{ message, details: { applicationError | validationError }, requestId }`, with the request id
 * also in the `x-request-id` header. Framework errors (unknown route, malformed JSON, body too
 * large, wrong media type) are mapped to their 4xx; anything unexpected is a logged 500 that
 * reveals nothing.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<Reply>();
    const request = http.getRequest<{ id: string; routeOptions?: { bodyLimit?: number } }>();
    const requestId = request.id;
    const appError = this.toAppError(error, request.routeOptions?.bodyLimit);
    const { status, body } = errorResponse(appError, requestId);
    if (appError.kind === 'RESOURCE_EXHAUSTED' && typeof appError.data.retryAfterSeconds === 'number') {
      reply.header('Retry-After', String(appError.data.retryAfterSeconds));
    }
    reply.header(REQUEST_ID_HEADER, requestId).status(status).send(body);
  }

  private toAppError(error: unknown, bodyLimit: number | undefined): AppError {
    if (isAppError(error)) {
      if (error.kind === 'INTERNAL') this.logger.error(`internal error: ${error.message}`);
      return error;
    }
    // Nest hands Fastify's own errors (malformed JSON, body too large, media type) on as HttpExceptions with Fastify's status.
    const status = error instanceof HttpException ? error.getStatus() : (error as { statusCode?: unknown } | undefined)?.statusCode;
    if (typeof status === 'number') {
      const message = error instanceof HttpException ? httpMessage(error) : String((error as { message?: unknown }).message ?? '');
      const kind = KIND_OF_STATUS[status];
      if (kind) return new AppError(kind, status === 404 ? 'ROUTE_NOT_FOUND' : kind, message);
      const refusal = refusalForStatus(status, message, bodyLimit);
      if (refusal) return refusal;
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return new AppError('INTERNAL', 'INTERNAL', 'Internal error');
  }
}

function httpMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
}
