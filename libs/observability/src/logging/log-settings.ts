import { EnvValues, oneOf, parsedBy } from '@cp/config';
import { isColorSupported } from 'pino-pretty';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** How a process logs (LOG_LEVEL, LOG_FORMAT), resolved: plain data, so a worker thread can be given it. */
export interface LogSettings {
  level: LogLevelName;
  format: LogFormat;
  /** Colours in the pretty format: only on a terminal that takes them (never into a file or a pipe). */
  colors: boolean;
}

/** Every app reads these two (apps/*\/src/config.ts, serviceVariables). */
export const loggingVariables = {
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info', {
    description: 'the least severe log level written: fatal, error, warn, info (one line per request, start and stop), debug (also health checks, scrapes and the route table at start) or trace.',
  }),
  LOG_FORMAT: parsedBy(
    (raw): LogFormat | undefined => {
      if (raw === undefined || (LOG_FORMATS as readonly string[]).includes(raw)) return raw as LogFormat | undefined;
      throw new Error(`must be json or pretty, got ${JSON.stringify(raw)}`);
    },
    {
      description: 'json (one JSON object per line, for a log collector) or pretty (one readable line per entry, coloured on a terminal).',
      unset: 'pretty when standard output is a terminal, json otherwise',
      example: 'json',
    },
  ),
};

export function loggingSettings(values: EnvValues<typeof loggingVariables>, stdoutIsTerminal = Boolean(process.stdout.isTTY)): LogSettings {
  const format = values.LOG_FORMAT ?? (stdoutIsTerminal ? 'pretty' : 'json');
  return { level: values.LOG_LEVEL, format, colors: format === 'pretty' && stdoutIsTerminal && isColorSupported };
}
