import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { isAppError, toErrorPayload } from '@cp/errors';

/**
 * Service side: every error leaves a handler as a plain ErrorPayload, whatever the transport.
 * Unexpected errors are logged here and reach callers only as a generic INTERNAL error.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(error: unknown, _host: ArgumentsHost): Observable<never> {
    if (!isAppError(error)) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return throwError(() => toErrorPayload(error));
  }
}
