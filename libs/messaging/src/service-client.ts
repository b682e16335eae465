import { firstValueFrom, Observable, timeout, TimeoutError } from 'rxjs';
import { AppError, fromErrorPayload, isErrorPayload } from '@cp/errors';
import { SerializedReply } from './serialized-reply';

/** The part of a Nest ClientProxy (in-process, Kafka) a ServiceClient needs. */
export interface RequestSender {
  send<T>(pattern: string, data: unknown): Observable<T>;
}

/**
 * What the gateway uses to reach a service: request/reply with a deadline. Errors come back
 * as AppErrors; a missing or silent service is a 503, never a hang.
 */
export class ServiceClient {
  constructor(
    private readonly client: RequestSender,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The reply as an object. */
  async send<T>(pattern: string, payload: unknown, options: { retryOnTimeout?: boolean } = {}): Promise<T> {
    const reply = await this.forward<T>(pattern, payload, options);
    return reply instanceof SerializedReply ? reply.parse<T>() : reply;
  }

  /**
   * The reply to pass on as it is: still serialized when it came so (the gateway writes it out
   * unparsed). `retryOnTimeout` sends the request once more when no answer came in time — only
   * for requests the service deduplicates (a create with its idempotency key): the first may
   * have been taken by a replica that died, and its partition by now belongs to a live one.
   */
  async forward<T>(pattern: string, payload: unknown, options: { retryOnTimeout?: boolean } = {}): Promise<T | SerializedReply> {
    try {
      return await this.sendOnce<T>(pattern, payload);
    } catch (error) {
      if (!(options.retryOnTimeout && error instanceof TimeoutError)) throw this.failure(pattern, error);
    }
    try {
      return await this.sendOnce<T>(pattern, payload);
    } catch (error) {
      throw this.failure(pattern, error);
    }
  }

  private sendOnce<T>(pattern: string, payload: unknown): Promise<T | SerializedReply> {
    return firstValueFrom(this.client.send<T | SerializedReply>(pattern, payload).pipe(timeout(this.timeoutMs)));
  }

  private failure(pattern: string, error: unknown): AppError {
    if (error instanceof TimeoutError) return new AppError('UNAVAILABLE', 'SERVICE_UNAVAILABLE', `No answer to ${pattern} within ${this.timeoutMs} ms`);
    if (isErrorPayload(error)) return fromErrorPayload(error);
    return new AppError('UNAVAILABLE', 'SERVICE_UNAVAILABLE', `The service behind ${pattern} did not answer`);
  }
}
