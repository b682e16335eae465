import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfStale, freePort, startBuiltApp, waitUntilReady } from './built-app';
import { describeStandaloneOnly, KEYS, TEST_KEYS } from './harness';

const TOTAL = 1000;
const CLIENTS = 16;
/** SIGTERM once this many creates have been answered: the rest of the load meets the drain and the closed port. */
const SIGTERM_AFTER = 60;

/** What a client saw of one request. */
interface Outcome {
  id: string;
  /** When the whole request had been handed to the operating system (absent: it never was). */
  sentAt?: number;
  endedAt: number;
  status?: number;
  /** The connection-level failure (no response at all): ECONNREFUSED, ECONNRESET, socket hang up… */
  error?: string;
}

/** A create over `agent` (keep-alive connections, as a client's pool keeps them). */
function create(url: string, agent: Agent, id: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let sentAt: number | undefined;
    const outgoing = request(
      `${url}/contacts/v4/contacts`,
      { method: 'POST', agent, headers: { authorization: KEYS.siteA, 'wix-site-id': 'site-a', 'content-type': 'application/json', 'x-request-id': id } },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ id, sentAt, endedAt: Date.now(), status: response.statusCode }));
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ id, sentAt, endedAt: Date.now(), error: error.code ?? error.message }));
      },
    );
    outgoing.on('finish', () => (sentAt = Date.now()));
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve({ id, sentAt, endedAt: Date.now(), error: error.code ?? error.message }));
    outgoing.end(JSON.stringify({ info: { name: { first: id } } }));
  });
}

describeStandaloneOnly('graceful shutdown of the built app', () => {
  beforeAll(buildIfStale, 180_000);

  it('on SIGTERM under load answers every request it accepted, refuses new connections, and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'contacts-shutdown-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const app = startBuiltApp({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', API_KEYS: JSON.stringify(TEST_KEYS), RATE_LIMITS: 'off', LOG_FORMAT: 'json', LOG_LEVEL: 'info' });
    try {
      await waitUntilReady(url, app.exited);
      const outcomes: Outcome[] = [];
      const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
      let next = 0;
      let sigtermAt = Infinity;
      const client = async () => {
        while (next < TOTAL) {
          outcomes.push(await create(url, agent, `drain-${next++}`));
          if (outcomes.length === SIGTERM_AFTER) {
            sigtermAt = Date.now();
            app.child.kill('SIGTERM');
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, client));
      agent.destroy();
      const code = await app.exited;

      const logged = new Map(app.lines().filter((line) => typeof line.reqId === 'string').map((line) => [line.reqId as string, line]));
      const answeredOk = outcomes.filter((outcome) => outcome.status !== undefined);
      const failed = outcomes.filter((outcome) => outcome.error !== undefined);
      // Every request that got a response got a success: none was cut off with a 503 while draining.
      expect(answeredOk.filter((outcome) => outcome.status !== 200)).toEqual([]);
      // Requests that got no response at all never reached the app, and none had been sent before
      // SIGTERM: the port was closed (refused), or the connection closed before the app read it.
      for (const outcome of failed) {
        const seen = { id: outcome.id, error: outcome.error, sentBeforeSigterm: outcome.sentAt !== undefined && outcome.sentAt < sigtermAt, loggedByTheApp: logged.has(outcome.id) };
        expect(seen).toEqual({ id: outcome.id, error: expect.stringMatching(/ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/), sentBeforeSigterm: false, loggedByTheApp: false });
      }
      // Each request the app logged as answered did reach its client.
      for (const [id, line] of logged) if (id.startsWith('drain-')) expect({ id, status: outcomes.find((outcome) => outcome.id === id)?.status }).toEqual({ id, status: line.status });
      // The drain did something: requests in flight at SIGTERM were answered after it, and the load went on into the closed port.
      expect(answeredOk.filter((outcome) => outcome.sentAt! < sigtermAt && outcome.endedAt > sigtermAt).length).toBeGreaterThan(0);
      expect(failed.length).toBeGreaterThan(0);
      const drained = app.lines().find((line) => typeof line.inFlightAtStart === 'number');
      expect(drained).toMatchObject({ unfinished: 0 });
      expect(app.lines().at(-1)).toMatchObject({ msg: 'Contacts platform stopped (SIGTERM)' });
      expect(code).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
