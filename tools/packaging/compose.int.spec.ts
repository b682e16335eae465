/* eslint-disable @nx/enforce-module-boundaries -- the compose file's environments are checked against the apps' own configuration schemas, which no library may import. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readEnv } from '@cp/config';
import { gatewayEnv } from '../../apps/gateway/src/config';
import { readStandaloneConfig } from '../../apps/standalone/src/config';

/**
 * docker-compose.yml as Docker Compose itself reads it: `docker compose config` loads,
 * interpolates and validates the file (against the Compose Specification's schema) exactly as
 * `docker compose up` does, and needs no Docker engine. The binary is Docker Compose v5, built by
 * tools/infra/docker-compose.sh (DOCKER_COMPOSE names another). Each run gets an environment
 * with none of the file's variables, as a newcomer's shell has.
 */
const REPO = join(__dirname, '..', '..');
const COMPOSE = process.env.DOCKER_COMPOSE ?? join(process.env.INFRA_CACHE ?? join(homedir(), '.cache', 'contacts-platform-infra'), 'bin', 'docker-compose');

interface Port {
  host_ip?: string;
  target: number;
  published?: string;
}
interface Service {
  restart?: string;
  profiles?: string[];
  environment?: Record<string, string | null>;
  ports?: Port[];
  cap_add?: string[];
  user?: string;
}
interface Project {
  services: Record<string, Service>;
}

interface ConfigRun {
  /** `--profile` */
  profile?: string;
  /** more `--file`s, after docker-compose.yml */
  overrides?: string[];
  /** the services to show; none: every enabled service */
  services?: string[];
  /** the whole environment, besides PATH and HOME */
  env?: Record<string, string>;
}

/** `docker compose config --format json`, with only `env` (and PATH) in the environment. */
function composeConfig({ profile, overrides = [], services = [], env = {} }: ConfigRun = {}): Project {
  const files = [join(REPO, 'docker-compose.yml'), ...overrides].flatMap((file) => ['--file', file]);
  const args = ['--project-name', 'contacts-platform', '--project-directory', REPO, ...files, ...(profile ? ['--profile', profile] : []), 'config', '--format', 'json', ...services];
  const output = execFileSync(COMPOSE, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(output) as Project;
}

/** Compose's refusal, as the user would see it. */
function composeRefusal(run: ConfigRun): string {
  try {
    composeConfig(run);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error(`docker compose config was expected to fail: ${JSON.stringify(run)}`);
}

/** The environment a container gets, as the app reads it (null: passed through from the host, unset here). */
const envOf = (service: Service): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(service.environment ?? {}).filter((entry): entry is [string, string] => entry[1] !== null));

/** `docker compose --profile standalone up standalone`, the README's. */
const STANDALONE: ConfigRun = { profile: 'standalone', services: ['standalone'] };

/** The only services whose ports face the network: the API. */
const PUBLIC_SERVICES = ['gateway', 'standalone'];

describe('docker-compose.yml', () => {
  beforeAll(() => {
    if (!existsSync(COMPOSE)) throw new Error(`${COMPOSE} is missing: run \`bash tools/infra/docker-compose.sh\` to build Docker Compose for the packaging tests (or set DOCKER_COMPOSE)`);
  });

  describe('the standalone profile', () => {
    it('starts with no variable set: `docker compose --profile standalone up standalone` interpolates, and the app reads what it gets', () => {
      const project = composeConfig(STANDALONE);
      expect(Object.keys(project.services)).toEqual(['standalone']);
      const standalone = project.services.standalone;
      expect(standalone.environment).toMatchObject({ API_KEYS: '', CORS_ORIGINS: '', DATA_DIR: '/data', HOST: '0.0.0.0', PORT: '3000' });
      // Empty is unset to the app: it generates a key for default-site.
      const dataDir = mkdtempSync(join(tmpdir(), 'compose-standalone-'));
      try {
        expect(readStandaloneConfig({ ...envOf(standalone), DATA_DIR: dataDir })).toMatchObject({ apiKeys: undefined, corsOrigins: undefined, host: '0.0.0.0', port: 3000 });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('passes API_KEYS and CORS_ORIGINS through when they are set', () => {
      const keys = '[{"key":"change-me-to-a-long-secret","sites":["*"],"scopes":["*"],"name":"admin"}]';
      const standalone = composeConfig({ ...STANDALONE, env: { API_KEYS: keys, CORS_ORIGINS: 'https://app.example.com' } }).services.standalone;
      expect(standalone.environment).toMatchObject({ API_KEYS: keys, CORS_ORIGINS: 'https://app.example.com' });
    });
  });

  describe('the distributed system', () => {
    it('interpolates with no variable set too; the gateway then refuses to start, naming API_KEYS', () => {
      const { services } = composeConfig();
      expect(Object.keys(services).sort()).toEqual(['contacts-service', 'eventstore', 'extended-fields-service', 'gateway', 'kafka', 'labels-service', 'mongo', 'redis', 'webhooks-service']);
      expect(services.gateway.environment).toMatchObject({ API_KEYS: '', CORS_ORIGINS: '' });
      expect(() => readEnv(gatewayEnv, envOf(services.gateway))).toThrow(ConfigError);
      expect(() => readEnv(gatewayEnv, envOf(services.gateway))).toThrow(/API_KEYS is required/);
    });

    it('gives the gateway a configuration it accepts once API_KEYS and the link secret are set', () => {
      const gateway = composeConfig({
        env: {
          API_KEYS: '[{"key":"change-me-to-a-long-secret","sites":["*"],"scopes":["*"],"name":"admin"}]',
          UNSUBSCRIBE_LINK_SECRET: Buffer.alloc(32, 7).toString('base64'),
          CORS_ORIGINS: 'https://app.example.com',
        },
      }).services.gateway;
      expect(readEnv(gatewayEnv, envOf(gateway))).toMatchObject({ apiKeys: [{ name: 'admin' }], corsOrigins: ['https://app.example.com'], redisUrl: 'redis://redis:6379' });
    });
  });

  it('restarts every service unless it was stopped', () => {
    const services = { ...composeConfig().services, ...composeConfig(STANDALONE).services };
    for (const [name, service] of Object.entries(services)) expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
  });

  it('publishes the API only: EventStoreDB and MongoDB on 127.0.0.1, Kafka and Redis not at all', () => {
    const services = { ...composeConfig().services, ...composeConfig(STANDALONE).services };
    const published = Object.fromEntries(Object.entries(services).map(([name, service]) => [name, (service.ports ?? []).map((port) => `${port.host_ip ?? '*'}:${port.published}->${port.target}`)]));
    expect(published).toEqual({
      gateway: ['*:3000->3000'],
      standalone: ['*:3000->3000'],
      eventstore: ['127.0.0.1:2113->2113'],
      mongo: ['127.0.0.1:27017->27017'],
      kafka: [],
      redis: [],
      'contacts-service': [],
      'labels-service': [],
      'extended-fields-service': [],
      'webhooks-service': [],
    });
    for (const [name, ports] of Object.entries(published)) if (!PUBLIC_SERVICES.includes(name)) for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('formats Kafka with an explicit cluster id: a fixed valid one, or KAFKA_CLUSTER_ID', () => {
    const clusterId = composeConfig().services.kafka.environment?.CLUSTER_ID ?? '';
    // Kafka's Uuid: 16 bytes, base64url without padding (`kafka-storage.sh random-uuid`).
    expect(clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(clusterId, 'base64url')).toHaveLength(16);
    expect(composeConfig({ env: { KAFKA_CLUSTER_ID: 'MkU3OEVBNTcwNTJENDM2Qk' } }).services.kafka.environment?.CLUSTER_ID).toBe('MkU3OEVBNTcwNTJENDM2Qk');
  });

  it('is refused by the same tool when a variable would stop interpolation (the check can fail)', () => {
    // A `:?` anywhere stops every profile, the reason the file has none: Compose says so.
    const refusal = composeRefusal({ ...STANDALONE, overrides: [join(__dirname, 'required-variable.compose.yml')] });
    expect(refusal).toMatch(/REQUIRED_SECRET/);
  });
});
