import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';
import { isMainThread } from 'node:worker_threads';
import { LogSettings } from './log-settings';
import { activeTraceFields } from '../tracing/trace-fields';

export type { Logger } from 'pino';

/**
 * A process's logger: JSON lines on standard output (level as a word, ISO time, pid, host, the
 * app's name), or with LOG_FORMAT=pretty one readable line per entry, its fields on the same line.
 * `destination` is for tests; otherwise standard output (asynchronous writes, flushed at exit,
 * synchronous in a worker thread, which has no exit hook to flush them). An entry written while a
 * traced span is active carries `trace_id` and `span_id` (tracing on: OTEL_EXPORTER_OTLP_ENDPOINT),
 * so that the access log's line of a request leads to its trace.
 */
export function createLogger(settings: LogSettings, name: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = { name, level: settings.level, timestamp: pino.stdTimeFunctions.isoTime, mixin: activeTraceFields };
  if (settings.format === 'pretty') {
    const stream = pretty({
      colorize: settings.colors,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,name,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
      ...(destination ? { destination } : { destination: 1, sync: true }),
    });
    return pino(options, stream);
  }
  return pino({ ...options, formatters: { level: (label) => ({ level: label }) } }, destination ?? pino.destination({ dest: 1, sync: !isMainThread }));
}
