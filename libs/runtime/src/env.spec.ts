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

describe('parsed variables', () => {
  it('reports what the parser throws, named after the variable, with the other problems', () => {
    const env = envReader({ RATE_LIMITS: 'fast', PORT: 'x' });
    const parse = (raw: string | undefined) => {
      if (raw !== 'ok') throw new Error(`must be "ok", got "${raw}"`);
      return raw;
    };
    expect(env.parsed('RATE_LIMITS', parse, 'fallback')).toBe('fallback');
    env.port('PORT', 1);
    expect(() => env.done()).toThrow(/RATE_LIMITS: must be "ok", got "fast"[\s\S]*PORT must be a port number/);
  });

  it('gives the parser undefined when the variable is unset and returns what it parsed', () => {
    const env = envReader({ GOOD: ' ok ' });
    expect(env.parsed('GOOD', (raw) => raw, 'fallback')).toBe('ok');
    expect(env.parsed('UNSET', (raw) => raw ?? 'default', 'fallback')).toBe('default');
    env.done();
  });
});
