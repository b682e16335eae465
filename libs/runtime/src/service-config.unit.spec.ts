import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { positiveInt, readEnv } from '@cp/config';
import { serviceEnv } from './service-process';

const env = serviceEnv({ app: 'a-service', about: 'a service with one setting', variables: { QUOTA: positiveInt(5, { description: 'quota' }) }, settings: (values) => ({ quota: values.QUOTA }) });
const fileInTemp = () => {
  const file = join(mkdtempSync(join(tmpdir(), 'service-config-')), 'a-file');
  writeFileSync(file, '');
  return file;
};

describe('a service process configuration', () => {
  it('reads the stores, Kafka, the health endpoint and the service\'s own settings', () => {
    const config = readEnv(env, { MONGODB_URL: 'mongodb://m', KAFKA_BROKERS: 'a:1, b:2', EVENTSTORE_URL: 'esdb://e:2113?tls=false', HEALTH_PORT: '8080', INSTANCE_ID: 'one', QUOTA: '7' });
    expect(config).toMatchObject({
      stores: { mongoUrl: 'mongodb://m', eventStoreUrl: 'esdb://e:2113?tls=false' },
      kafka: { brokers: ['a:1', 'b:2'], instanceId: 'one', requestTimeoutMs: 10_000, partitions: 2 },
      healthPort: 8080,
      host: '0.0.0.0',
      settings: { quota: 7 },
    });
  });

  it('takes a PostgreSQL URL for the events as well as an EventStoreDB one, and no other kind', () => {
    const base = { MONGODB_URL: 'mongodb://m', KAFKA_BROKERS: 'k:9092' };
    for (const url of ['postgres://cp:secret@db:5432/contacts', 'postgresql://db/contacts?sslmode=require', 'esdb+discover://cluster:2113']) {
      expect(readEnv(env, { ...base, EVENTSTORE_URL: url }).stores.eventStoreUrl).toBe(url);
    }
    expect(() => readEnv(env, { ...base, EVENTSTORE_URL: 'mysql://db/contacts' })).toThrow(
      'EVENTSTORE_URL must be a esdb://, esdb+discover://, postgres:// or postgresql:// URL, got "mysql://db/contacts"',
    );
  });

  it('names every missing or malformed variable at once', () => {
    expect(() => readEnv(env, { HEALTH_PORT: 'eighty', MONGODB_URL: 'http://x', EVENTSTORE_URL: 'esdb://e', QUOTA: '-1' })).toThrow(
      [
        'Configuration error:',
        '  - KAFKA_BROKERS is required: Kafka bootstrap servers, comma-separated.',
        '  - MONGODB_URL must be a mongodb:// or mongodb+srv:// URL, got "http://x"',
        '  - HEALTH_PORT must be a port number, got "eighty"',
        '  - QUOTA must be a positive integer, got "-1"',
      ].join('\n'),
    );
  });

  it('checks DATA_DIR only when the events are kept there (no EVENTSTORE_URL)', () => {
    const unusable = join(fileInTemp(), 'data');
    const base = { MONGODB_URL: 'mongodb://m', KAFKA_BROKERS: 'k:9092', DATA_DIR: unusable };
    expect(readEnv(env, { ...base, EVENTSTORE_URL: 'esdb://e:2113' }).stores.dataDir).toBe(unusable);
    expect(() => readEnv(env, base)).toThrow(/^Configuration error:\n {2}- DATA_DIR must be a directory this process can create and write to: ENOTDIR/);
  });
});
