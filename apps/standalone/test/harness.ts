import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKey } from '@cp/gateway';
import { RunningStandalone, startStandalone } from '../src/standalone';

export const KEYS = {
  siteA: 'key-for-site-a-0123456789',
  siteB: 'key-for-site-b-0123456789',
  readOnlyA: 'key-read-only-a-0123456789',
  everything: 'key-for-every-site-012345',
};

export const TEST_KEYS: ApiKey[] = [
  { key: KEYS.siteA, sites: ['site-a'], scopes: ['SCOPE.DC-CONTACTS.MANAGE-CONTACTS'], name: 'site-a' },
  { key: KEYS.siteB, sites: ['site-b'], scopes: ['*'], name: 'site-b' },
  { key: KEYS.readOnlyA, sites: ['site-a'], scopes: ['SCOPE.DC-CONTACTS.READ-CONTACTS'], name: 'reader-a' },
  { key: KEYS.everything, sites: ['*'], scopes: ['*'], name: 'admin' },
];

export interface Harness {
  url: string;
  dataDir: string;
  running: RunningStandalone;
  call(method: string, path: string, options?: { body?: unknown; key?: string | null; site?: string | null }): Promise<{ status: number; body: any }>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the standalone app on a free port with its own data directory. */
export async function startHarness(options: { apiKeys?: ApiKey[] | null; dataDir?: string; labelQuota?: number } = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'contacts-e2e-'));
  const apiKeys = options.apiKeys === null ? undefined : (options.apiKeys ?? TEST_KEYS);
  const start = () => startStandalone({ host: '127.0.0.1', port: 0, dataDir, apiKeys, labelQuota: options.labelQuota ?? 1000 }, { logger: false });
  const harness: Harness = {
    running: await start(),
    dataDir,
    get url() {
      return this.running.url;
    },
    async call(method, path, { body, key = KEYS.siteA, site = 'site-a' } = {}) {
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = key;
      if (site !== null) headers['wix-site-id'] = site;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${this.running.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
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
