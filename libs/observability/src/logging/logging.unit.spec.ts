import { Writable } from 'node:stream';
import { ConfigError, defineEnv, readEnv } from '@cp/config';
import { createLogger } from './logger';
import { loggingSettings, loggingVariables } from './log-settings';
import { noticeBox } from './notice-box';

const env = (stdoutIsTerminal: boolean) => defineEnv({ app: 'a', about: 'b', variables: loggingVariables, settings: (values) => loggingSettings(values, stdoutIsTerminal) });

/** A logger writing into an array, as a pipe would receive its lines. */
function capture(settings: Parameters<typeof createLogger>[0]) {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger(settings, 'an-app', stream), written };
}

describe('LOG_LEVEL and LOG_FORMAT', () => {
  it('default to info, pretty on a terminal and json otherwise (a file, a pipe, a container)', () => {
    expect(readEnv(env(false), {})).toEqual({ level: 'info', format: 'json', colors: false });
    expect(readEnv(env(true), {})).toMatchObject({ level: 'info', format: 'pretty' });
  });

  it('take what is set; colours only on a terminal', () => {
    expect(readEnv(env(false), { LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' })).toEqual({ level: 'debug', format: 'pretty', colors: false });
    expect(readEnv(env(true), { LOG_FORMAT: 'json' })).toEqual({ level: 'info', format: 'json', colors: false });
  });

  it('stop the boot on another value, naming the variable', () => {
    expect(() => readEnv(env(false), { LOG_LEVEL: 'verbose', LOG_FORMAT: 'xml' })).toThrow(
      new ConfigError('Configuration error:\n  - LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, got "verbose"\n  - LOG_FORMAT must be json or pretty, got "xml"'),
    );
  });
});

describe('createLogger', () => {
  it('writes one JSON object per line: level as a word, ISO time, pid, host, the app, the message and its fields', () => {
    const { log, written } = capture({ level: 'info', format: 'json', colors: false });
    log.info({ reqId: 'r1' }, 'hello');
    log.debug('not written at info');
    expect(written).toHaveLength(1);
    expect(written[0].endsWith('\n')).toBe(true);
    expect(JSON.parse(written[0])).toEqual({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), pid: process.pid, hostname: expect.any(String), name: 'an-app', reqId: 'r1', msg: 'hello' });
  });

  it('writes readable lines with LOG_FORMAT=pretty, one per entry, without colour codes when there are no colours', async () => {
    const { log, written } = capture({ level: 'debug', format: 'pretty', colors: false });
    log.warn({ context: 'RateLimits', reqId: 'r2' }, 'Redis is gone');
    await new Promise((resolve) => setImmediate(resolve));
    const text = written.join('');
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[RateLimits\] Redis is gone \{"reqId":"r2"\}\n$/);
    expect(text).not.toContain('\u001b[');
  });
});

describe('noticeBox', () => {
  it('frames the lines in plain characters, each padded to the longest, nothing cut', () => {
    expect(noticeBox(['Generated a key:', '  Authorization: cp_123'])).toBe(
      ['+-------------------------+', '| Generated a key:        |', '|   Authorization: cp_123 |', '+-------------------------+', ''].join('\n'),
    );
  });
});
