import { Logger } from '@nestjs/common';
import { createLogger } from './logger';
import { PinoNestLogger, useAsNestLogger } from './nest-logger';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const pino = createLogger({ level, format: 'json', colors: false }, 'test', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { nest: new PinoNestLogger(pino), pino, lines };
}

describe('PinoNestLogger', () => {
  it('keeps the level, and the context Nest passes last as a field', () => {
    const { nest, lines } = capture();
    nest.log('hello', 'Contacts');
    nest.warn('careful', 'RateLimits');
    nest.debug('hidden at info', 'Contacts');
    expect(lines.map(({ level, context, msg }) => ({ level, context, msg }))).toEqual([
      { level: 'info', context: 'Contacts', msg: 'hello' },
      { level: 'warn', context: 'RateLimits', msg: 'careful' },
    ]);
  });

  it('writes Nest\'s start-up chatter (the route table, the modules) at debug, its warnings as warnings', () => {
    const info = capture('info');
    info.nest.log('Mapped {/contacts/v4/contacts, POST} route', 'RouterExplorer');
    info.nest.log('GatewayModule dependencies initialized', 'InstanceLoader');
    info.nest.warn('something odd', 'RoutesResolver');
    expect(info.lines.map(({ level, context }) => [level, context])).toEqual([['warn', 'RoutesResolver']]);
    const debug = capture('debug');
    debug.nest.log('Mapped {/contacts/v4/contacts, POST} route', 'RouterExplorer');
    expect(debug.lines).toMatchObject([{ level: 'debug', context: 'RouterExplorer', msg: 'Mapped {/contacts/v4/contacts, POST} route' }]);
  });

  it('takes an error\'s stack and context in the orders Nest passes them', () => {
    const { nest, lines } = capture();
    const stack = 'Error: boom\n    at somewhere (file.ts:1:1)';
    nest.error('boom', stack, 'ExceptionsHandler');
    nest.error('boom', stack);
    nest.error('no stack', undefined, 'Gateway');
    nest.error(new Error('thrown'), 'Gateway');
    expect(lines.map(({ context, stack, msg }) => ({ context, stack, msg }))).toEqual([
      { context: 'ExceptionsHandler', stack, msg: 'boom' },
      { context: undefined, stack, msg: 'boom' },
      { context: 'Gateway', stack: undefined, msg: 'no stack' },
      { context: 'Gateway', stack: undefined, msg: 'thrown' },
    ]);
    expect(lines[3].err).toMatchObject({ type: 'Error', message: 'thrown', stack: expect.stringContaining('Error: thrown') });
  });

  it('makes a plain object message into fields, its msg the message (how Kafka\'s entries come)', () => {
    const { nest, lines } = capture();
    nest.warn({ msg: 'Connection timeout', kafka: { namespace: 'Connection', broker: 'kafka:9092' } }, 'kafkajs');
    expect(lines[0]).toMatchObject({ level: 'warn', context: 'kafkajs', msg: 'Connection timeout', kafka: { namespace: 'Connection', broker: 'kafka:9092' } });
  });

  it('receives what every `new Logger(context)` of the process says once it is made Nest\'s logger', () => {
    const { pino, lines } = capture();
    useAsNestLogger(pino);
    try {
      new Logger('Webhooks').log('delivered');
      new Logger('Webhooks').error('failed');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines.map(({ level, context, msg }) => ({ level, context, msg }))).toEqual([
      { level: 'info', context: 'Webhooks', msg: 'delivered' },
      { level: 'error', context: 'Webhooks', msg: 'failed' },
    ]);
  });
});
