import { ClientProxy, CustomTransportStrategy, ReadPacket, Server, WritePacket } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { toErrorPayload } from '@cp/errors';
import { Broker, NoHandlerError } from './in-process-broker';

/**
 * A NestJS transport strategy over the in-process broker: services keep their ordinary
 * `@MessagePattern` / `@EventPattern` handlers, and the same modules run on Kafka in
 * distributed mode by swapping this strategy for Nest's Kafka transport.
 */
export class InProcessServer extends Server implements CustomTransportStrategy {
  constructor(private readonly broker: Broker) {
    super();
    this.initializeSerializer({});
    this.initializeDeserializer({});
  }

  listen(callback: () => void): void {
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler) {
        this.broker.listen(pattern, async (data) => {
          await lastValueFrom(this.transformToObservable(await handler(data)), { defaultValue: undefined });
        });
      } else {
        this.broker.serve(pattern, async (data) => lastValueFrom(this.transformToObservable(await handler(data)), { defaultValue: undefined }));
      }
    }
    callback();
  }

  close(): void {
    this.broker.remove(this.messageHandlers.keys());
  }

  on(): void {}

  unwrap<T>(): T {
    return this.broker as T;
  }
}

export class InProcessClient extends ClientProxy {
  constructor(private readonly broker: Broker) {
    super();
  }

  async connect(): Promise<void> {}

  close(): void {}

  unwrap<T>(): T {
    return this.broker as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = this.normalizePattern(packet.pattern);
    this.broker.request(pattern, packet.data).then(
      (response) => callback({ response, isDisposed: true }),
      (error: unknown) =>
        callback({
          err:
            error instanceof NoHandlerError
              ? { kind: 'UNAVAILABLE', status: 503, message: error.message, details: { applicationError: { code: 'SERVICE_UNAVAILABLE', description: error.message, data: { pattern } } } }
              : toErrorPayload(error),
          isDisposed: true,
        }),
    );
    return () => undefined;
  }

  protected async dispatchEvent<T>(packet: ReadPacket): Promise<T> {
    await this.broker.publish(this.normalizePattern(packet.pattern), packet.data);
    return undefined as T;
  }
}
