import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from './config-error';
import { defineEnv, readEnv } from './read-env';
import { connectionUrl, directory, flag, hostPortList, oneOf, optionalConnectionUrl, optionalHttpUrl, parsedBy, port, positiveInt } from './variables';
import { directoryIsWritable } from './writable-directory';

const app = defineEnv({
  app: 'test-app',
  about: 'a configuration made of every kind of piece',
  variables: {
    PORT: port(3000, { description: 'port' }),
    WORKERS: positiveInt(4, { description: 'workers' }),
    STORE: oneOf(['memory', 'sqlite'], 'memory', { description: 'store' }),
    VERBOSE: flag(false, { description: 'verbose' }),
    MONGODB_URL: connectionUrl(['mongodb', 'mongodb+srv'], { description: 'the MongoDB of the read models' }),
    EVENTSTORE_URL: optionalConnectionUrl(['esdb', 'esdb+discover'], { description: 'events' }),
    PUBLIC_URL: optionalHttpUrl({ description: 'public URL' }),
    KAFKA_BROKERS: hostPortList({ description: 'brokers' }),
    DATA_DIR: directory('./data', { description: 'data' }),
    MODE: parsedBy(
      (raw) => {
        if (raw !== undefined && raw !== 'fast') throw new Error(`MODE must be "fast", got "${raw}"`);
        return raw ?? 'slow';
      },
      { description: 'mode' },
    ),
  },
  rules: [directoryIsWritable('DATA_DIR')],
  settings: (values) => values,
});

const dataDir = () => mkdtempSync(join(tmpdir(), 'config-spec-'));
const valid = () => ({ MONGODB_URL: 'mongodb://mongo:27017', KAFKA_BROKERS: 'kafka:9092', DATA_DIR: dataDir() });

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    readEnv(app, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const [heading, ...lines] = (error as Error).message.split('\n');
    expect(heading).toBe('Configuration error:');
    return lines.map((line) => line.replace(/^ {2}- /, ''));
  }
  throw new Error('expected a ConfigError');
}

describe('readEnv', () => {
  it('gives the defaults of what is unset or blank', () => {
    const config = readEnv(app, { ...valid(), PORT: '', WORKERS: '  ' });
    expect(config).toMatchObject({ PORT: 3000, WORKERS: 4, STORE: 'memory', VERBOSE: false, MODE: 'slow' });
    expect([config.EVENTSTORE_URL, config.PUBLIC_URL]).toEqual([undefined, undefined]);
  });

  it('reads and converts what is set', () => {
    const config = readEnv(app, {
      ...valid(),
      PORT: '8080',
      WORKERS: '2',
      STORE: 'sqlite',
      VERBOSE: 'true',
      MONGODB_URL: 'mongodb://a:27017,b:27017/contacts?replicaSet=rs0',
      EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
      PUBLIC_URL: 'https://contacts.example.com',
      KAFKA_BROKERS: 'a:9092, b:9093',
      DATA_DIR: 'relative/dir',
      MODE: 'fast',
    });
    expect(config).toEqual({
      PORT: 8080,
      WORKERS: 2,
      STORE: 'sqlite',
      VERBOSE: true,
      MONGODB_URL: 'mongodb://a:27017,b:27017/contacts?replicaSet=rs0',
      EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
      PUBLIC_URL: 'https://contacts.example.com/',
      KAFKA_BROKERS: ['a:9092', 'b:9093'],
      DATA_DIR: resolve('relative/dir'),
      MODE: 'fast',
    });
  });

  it('lists every problem at once, one line each, naming its variable', () => {
    expect(
      problemsOf({
        PORT: 'eighty',
        WORKERS: '0',
        STORE: 'postgres',
        VERBOSE: 'yes',
        MONGODB_URL: 'http://x',
        EVENTSTORE_URL: 'kurrentdb://e:2113',
        PUBLIC_URL: 'ftp://example.com',
        KAFKA_BROKERS: 'kafka',
        DATA_DIR: dataDir(),
        MODE: 'slow',
      }),
    ).toEqual([
      'PORT must be a port number, got "eighty"',
      'WORKERS must be a positive integer, got "0"',
      'STORE must be memory or sqlite, got "postgres"',
      'VERBOSE must be true or false, got "yes"',
      'MONGODB_URL must be a mongodb:// or mongodb+srv:// URL, got "http://x"',
      'EVENTSTORE_URL must be a esdb:// or esdb+discover:// URL, got "kurrentdb://e:2113"',
      'PUBLIC_URL must be an http(s) URL, got "ftp://example.com"',
      'KAFKA_BROKERS must be host:port pairs separated by commas, got "kafka"',
      'MODE must be "fast", got "slow"',
    ]);
  });

  it('says what a required variable is for when it is missing', () => {
    expect(problemsOf({ DATA_DIR: dataDir() })).toEqual(['MONGODB_URL is required: the MongoDB of the read models', 'KAFKA_BROKERS is required: brokers']);
  });

  it('refuses a port above 65535', () => {
    expect(problemsOf({ ...valid(), PORT: '65536' })).toEqual(['PORT must be a port number, got "65536"']);
  });
});

describe('a data directory', () => {
  it('is created when missing', () => {
    const missing = join(dataDir(), 'a', 'b');
    expect(readEnv(app, { ...valid(), DATA_DIR: missing }).DATA_DIR).toBe(missing);
    expect(readEnv(app, { ...valid(), DATA_DIR: missing }).DATA_DIR).toBe(missing);
  });

  it('that cannot be created or written to is a problem naming DATA_DIR, listed with the others', () => {
    // Under a regular file nothing can be created, not even by root (tests may run as root).
    const file = join(dataDir(), 'a-file');
    writeFileSync(file, '');
    const problems = problemsOf({ ...valid(), PORT: 'x', DATA_DIR: join(file, 'data') });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('PORT must be a port number, got "x"');
    expect(problems[1]).toMatch(/^DATA_DIR must be a directory this process can create and write to: ENOTDIR/);
  });

  it('is not checked while its variable has a problem of its own', () => {
    expect(problemsOf({ ...valid(), DATA_DIR: undefined, MONGODB_URL: 'x' })).toEqual(['MONGODB_URL must be a mongodb:// or mongodb+srv:// URL, got "x"']);
  });
});

describe('rules across variables', () => {
  const spec = defineEnv({
    app: 'rules',
    about: 'two rules on one variable',
    variables: { A: port(1, { description: 'a' }), B: port(2, { description: 'b' }) },
    rules: [
      { uses: ['A'], check: (values, report) => values.A === 0 && report('B', 'must be set when A is 0') },
      { uses: ['B'], check: (values, report) => values.B === 2 && report('B', 'must not be 2') },
    ],
    settings: (values) => values,
  });

  it('each report, even when another rule already reported on the same variable', () => {
    expect(() => readEnv(spec, { A: '0' })).toThrow('Configuration error:\n  - B must be set when A is 0\n  - B must not be 2');
  });

  it('are skipped when a variable they use is invalid by itself', () => {
    expect(() => readEnv(spec, { A: '0', B: 'x' })).toThrow('Configuration error:\n  - B must be a port number, got "x"');
  });
});
