import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { AppError } from '@cp/errors';
import { InProcessBroker, InProcessClient, InProcessServer, RpcErrorFilter, SerializedReply, ServiceClient } from './index';

const received: unknown[] = [];

@Controller()
class EchoController {
  @MessagePattern('echo')
  echo(@Payload() data: { items: string[] }) {
    data.items.push('mutated by the service');
    return { echoed: data };
  }

  @MessagePattern('fail')
  fail() {
    throw AppError.notFound('THING_NOT_FOUND', 'no such thing', { id: 'x' });
  }

  @MessagePattern('crash')
  crash() {
    throw new Error('database password is hunter2');
  }

  @EventPattern('things.events')
  onEvent(@Payload() data: unknown) {
    received.push(data);
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('in-process transport', () => {
  const broker = new InProcessBroker();
  const client = new ServiceClient(new InProcessClient(broker), 200);

  it('queues events published before anyone listens and delivers them on listen', async () => {
    await broker.publish('things.events', { n: 1 });
    expect(received).toEqual([]);
    const service = await NestFactory.createMicroservice(EchoModule, { strategy: new InProcessServer(broker), logger: false });
    service.useGlobalFilters(new RpcErrorFilter());
    await service.listen();
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([{ n: 1 }]);
  });

  it('answers requests with copies: nothing is shared by reference', async () => {
    const request = { items: ['a'] };
    const reply = await client.send<{ echoed: { items: string[] } }>('echo', request);
    expect(reply.echoed.items).toEqual(['a', 'mutated by the service']);
    expect(request.items).toEqual(['a']);
  });

  it('forwards a reply still serialized, as the JSON the service answered', async () => {
    const reply = await client.forward('echo', { items: ['b'] });
    expect(reply).toBeInstanceOf(SerializedReply);
    expect(JSON.parse((reply as SerializedReply).json)).toEqual({ echoed: { items: ['b', 'mutated by the service'] } });
  });

  it('carries application errors as they were thrown', async () => {
    await expect(client.send('fail', {})).rejects.toMatchObject({ kind: 'NOT_FOUND', code: 'THING_NOT_FOUND', data: { id: 'x' } });
  });

  it('turns unexpected errors into a generic internal error', async () => {
    const error = await client.send('crash', {}).catch((e: AppError) => e);
    expect(error).toMatchObject({ kind: 'INTERNAL' });
    expect((error as AppError).message).not.toContain('hunter2');
  });

  it('answers 503 when no service handles the pattern', async () => {
    await expect(client.send('nobody.home', {})).rejects.toMatchObject({ kind: 'UNAVAILABLE', code: 'SERVICE_UNAVAILABLE' });
  });

  it('delivers events to listeners', async () => {
    received.length = 0;
    await broker.publish('things.events', { n: 2 });
    expect(received).toEqual([{ n: 2 }]);
  });
});
