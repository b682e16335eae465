import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKey, CorsOrigins, RateLimitConfig } from '@cp/gateway';
import type { Logger } from '@cp/observability';
import { WebhooksConfig } from '@cp/webhooks-service';
import type { ReadStoreKind } from '../src/config';
import { RunningStandalone, startStandalone } from '../src/standalone';
import { ObservedResponse, OpenApiConformance } from './openapi-conformance';
import testKeys from './test-keys.json';

/** The keys the suites use; tools/distributed/test.sh gives the same file to the gateway as API_KEYS. */
export const TEST_KEYS: ApiKey[] = testKeys;

export const KEYS = {
  siteA: TEST_KEYS[0].key,
  siteB: TEST_KEYS[1].key,
  readOnlyA: TEST_KEYS[2].key,
  everything: TEST_KEYS[3].key,
  syncApp: TEST_KEYS[4].key,
};

/**
 * Webhooks in the suites: receivers on loopback are allowed and retries come in seconds, not
 * hours (tools/distributed/test.sh sets the same through WEBHOOK_* variables).
 */
export const TEST_WEBHOOKS: WebhooksConfig = {
  timeoutMs: 1250,
  retryScheduleMs: [300, 600, 900],
  allowPrivateTargets: true,
  concurrencyPerSubscription: 4,
  sweepIntervalMs: 500,
};

/**
 * With E2E_GATEWAY_URL set, the suites run against that gateway (distributed mode, started by
 * tools/distributed/test.sh) instead of starting the standalone app.
 */
export const GATEWAY_URL = process.env.E2E_GATEWAY_URL;

const RUN = Math.random().toString(36).slice(2, 8);

/** A site of this test run only, so suites can run again against a long-lived system. */
export function uniqueSite(name: string): string {
  return `${name}-${RUN}`;
}

/** `describe` for what only the standalone app can show (restarts, its generated key). */
export function describeStandaloneOnly(name: string, body: () => void): void {
  if (!GATEWAY_URL) return describe(name, body);
  describe(name, () => {
    it.skip(`skipped against ${GATEWAY_URL}: this needs the standalone app (it restarts it or reads its data directory)`, () => undefined);
  });
}

export interface CallOptions {
  body?: unknown;
  key?: string | null;
  site?: string | null;
  /** more request headers */
  headers?: Record<string, string>;
}

export interface Harness {
  url: string;
  dataDir: string;
  running: RunningStandalone;
  call(method: string, path: string, options?: CallOptions): Promise<{ status: number; body: any }>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the standalone app on a free port with its own data directory. */
export async function startHarness(
  options: {
    apiKeys?: ApiKey[] | null;
    dataDir?: string;
    labelQuota?: number;
    /** absent: not limited */
    rateLimits?: RateLimitConfig;
    webhooks?: Partial<WebhooksConfig>;
    /** absent: READ_STORE from the environment (the standalone suites run on both), else memory */
    readStore?: ReadStoreKind;
    /** absent: silent */
    log?: Logger;
    /** false: no GET /metrics (METRICS=false) */
    metrics?: boolean;
    /** CORS_ORIGINS; absent: no CORS */
    corsOrigins?: CorsOrigins;
  } = {},
): Promise<Harness> {
  if (GATEWAY_URL) return remoteHarness(GATEWAY_URL);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'contacts-e2e-'));
  const apiKeys = options.apiKeys === null ? undefined : (options.apiKeys ?? TEST_KEYS);
  const start = () =>
    startStandalone(
      {
        host: '127.0.0.1',
        port: 0,
        dataDir,
        apiKeys,
        readStore: options.readStore ?? (process.env.READ_STORE === 'sqlite' ? 'sqlite' : 'memory'),
        labelQuota: options.labelQuota ?? 1000,
        rateLimits: options.rateLimits,
        corsOrigins: options.corsOrigins,
        webhooks: { ...TEST_WEBHOOKS, ...options.webhooks },
        logging: { level: 'info', format: 'json', colors: false },
        metrics: options.metrics,
      },
      { log: options.log ?? false },
    );
  const harness: Harness = {
    running: await start(),
    dataDir,
    get url() {
      return this.running.url;
    },
    call(method, path, options) {
      return callApi(this.running.url, method, path, options);
    },
    /** Stops and starts the app on the same data (it serves once its read models have caught up). */
    async restart() {
      await this.running.close();
      this.running = await start();
    },
    async stop() {
      await this.running.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

async function callApi(url: string, method: string, path: string, { body, key = KEYS.siteA, site = 'site-a', headers: more }: CallOptions = {}) {
  const headers: Record<string, string> = { ...more };
  if (key !== null) headers.authorization = key;
  if (site !== null) headers['wix-site-id'] = site;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  await expectConforming(url, { method, path, status: response.status, contentType: response.headers.get('content-type'), text });
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const documents = new Map<string, Promise<OpenApiConformance>>();

/**
 * Every response a suite gets through `call` or `sdkFetch` is held to the app's own OpenAPI
 * document (its status documented, its body matching the schema), so the document cannot drift
 * from the API.
 */
export async function expectConforming(url: string, observed: ObservedResponse): Promise<void> {
  let document = documents.get(url);
  if (!document) documents.set(url, (document = OpenApiConformance.fetch(url)));
  const violations = (await document).violations(observed);
  if (violations.length > 0) throw new Error(`The response does not match the OpenAPI document:\n  ${violations.join('\n  ')}\nbody: ${observed.text.slice(0, 2000)}`);
}

/**
 * The `fetch` to give Wix's SDK (`createClient({ fetch })`): plain HTTP to the app (the SDK
 * builds https URLs), each answer checked against the document as `call`'s are.
 */
export function sdkFetch(appUrl: string): (url: string | URL, init?: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const target = new URL(String(url).replace(/^https:/, 'http:'));
    const response = await fetch(target, init);
    const observed = { method: init?.method ?? 'GET', path: `${target.pathname}${target.search}`, status: response.status, contentType: response.headers.get('content-type'), text: await response.clone().text() };
    await expectConforming(appUrl, observed);
    return response;
  };
}

function remoteHarness(url: string): Harness {
  const notHere = async () => {
    throw new Error('a remote gateway cannot be restarted from a test');
  };
  return { url, dataDir: '', running: { url, close: async () => undefined }, call: (method, path, options) => callApi(url, method, path, options), restart: notHere, stop: async () => undefined };
}

/** Retries a check until it passes: for effects that land asynchronously (definition clean-ups). */
export async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
