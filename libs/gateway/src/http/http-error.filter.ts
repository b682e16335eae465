import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { AppError, ErrorKind, isAppError, toErrorPayload } from '@cp/errors';

const KIND_OF_STATUS: Record<number, ErrorKind> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  413: 'INVALID_ARGUMENT',
  415: 'INVALID_ARGUMENT',
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
 * `{ message, details: { applicationError | validationError } }`. Framework errors (unknown
 * route, malformed JSON, body too large) are mapped to their 4xx; anything unexpected is a
 * logged 500 that reveals nothing.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<Reply>();
    const appError = this.toAppError(error);
    const payload = toErrorPayload(appError);
    if (appError.kind === 'RESOURCE_EXHAUSTED' && typeof appError.data.retryAfterSeconds === 'number') {
      reply.header('Retry-After', String(appError.data.retryAfterSeconds));
    }
    reply.status(payload.status).send({ message: payload.message, details: payload.details });
  }

  private toAppError(error: unknown): AppError {
    if (isAppError(error)) {
      if (error.kind === 'INTERNAL') this.logger.error(`internal error: ${error.message}`);
      return error;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const kind = KIND_OF_STATUS[status];
      if (kind) {
        const code = status === 404 ? 'ROUTE_NOT_FOUND' : kind;
        return new AppError(kind, code, httpMessage(error));
      }
    }
    const fastifyStatus = (error as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && KIND_OF_STATUS[fastifyStatus]) {
      return new AppError(KIND_OF_STATUS[fastifyStatus], KIND_OF_STATUS[fastifyStatus], (error as Error).message);
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
