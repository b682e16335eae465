import { ConfigError, envReader, readKafkaConfig, readStoreConfig } from './index';

describe('configuration', () => {
  it('names every missing or malformed variable at once', () => {
    const env = envReader({ PORT: 'eighty' });
    env.port('PORT', 3000);
    readStoreConfig(env);
    readKafkaConfig(env);
    try {
      env.done();
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/PORT must be a port number/);
      expect((error as Error).message).toMatch(/MONGODB_URL is required/);
      expect((error as Error).message).toMatch(/KAFKA_BROKERS is required/);
    }
  });

  it('reads a complete configuration', () => {
    const env = envReader({ MONGODB_URL: 'mongodb://m', KAFKA_BROKERS: 'a:1, b:2', EVENTSTORE_URL: 'esdb://e' });
    const stores = readStoreConfig(env);
    const kafka = readKafkaConfig(env);
    env.done();
    expect(stores).toMatchObject({ mongoUrl: 'mongodb://m', eventStoreUrl: 'esdb://e' });
    expect(kafka.brokers).toEqual(['a:1', 'b:2']);
  });
});
