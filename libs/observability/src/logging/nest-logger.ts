import { Logger as NestLogger, LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/**
 * What Nest says at every start at its `log` level, written at debug: the route table
 * (RouterExplorer, RoutesResolver: some 70 lines), the modules (InstanceLoader) and "successfully
 * started". Their warnings and errors keep their level.
 */
export const START_UP_CONTEXTS: ReadonlySet<string> = new Set(['RouterExplorer', 'RoutesResolver', 'InstanceLoader', 'NestFactory', 'NestApplication', 'NestMicroservice']);

const STACK = /\n\s+at /;

/**
 * Nest's LoggerService over pino: every `new Logger(context)` of the app, Nest's own and Kafka's
 * (through Nest's ServerKafka and ClientKafka) become entries of the process's logger, `context`
 * a field. A plain object as the message becomes fields, its `msg` the message.
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const { context, stack, extra } = splitParams(params);
    const effective = level === 'info' && context && START_UP_CONTEXTS.has(context) ? 'debug' : level;
    if (!this.pino.isLevelEnabled(effective)) return;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    let text: string | undefined;
    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (message !== null && typeof message === 'object') {
      const { msg, ...rest } = message as Record<string, unknown>;
      Object.assign(fields, rest);
      text = typeof msg === 'string' ? msg : undefined;
    } else {
      text = String(message);
    }
    if (stack) fields.stack = stack;
    if (extra.length > 0) fields.extra = extra;
    this.pino[effective](fields, text);
  }
}

/** Nest puts the context last, and for errors a stack before it; either may be missing. */
function splitParams(params: unknown[]): { context?: string; stack?: string; extra: unknown[] } {
  const rest = [...params];
  let context: string | undefined;
  let stack: string | undefined;
  const last = rest.at(-1);
  if (typeof last === 'string' && !STACK.test(last)) context = rest.pop() as string;
  const before = rest.at(-1);
  if ((typeof before === 'string' && STACK.test(before)) || (before === undefined && rest.length > 0)) {
    rest.pop();
    stack = before;
  }
  return { context, stack, extra: rest };
}

/** Makes `logger` the process's Nest logger now, before any Nest app exists (clients that connect first log through it too). */
export function useAsNestLogger(logger: Logger): PinoNestLogger {
  const nest = new PinoNestLogger(logger);
  NestLogger.overrideLogger(nest);
  return nest;
}
