import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { PostgresEventStore, RecordedEvent, SqliteEventStore } from '@cp/event-store';
import { SqliteReadStore } from '@cp/read-store';
import { CONTACTS_READ_MODEL_VERSION } from '@cp/contacts-application';
import { eventStoreFile, markDataDirServed, readStoreFile } from './standalone-files';
import { runCli } from './program';

/** Runs the CLI in this process on real files; stdout and stderr are collected as a pipe or file would receive them. */
async function run(args: string[], { stderrIsTTY = false } = {}) {
  let stdout = '';
  let stderr = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stdout += chunk.toString();
      done();
    },
  });
  const code = await runCli(args, { stdout: out, stderr: { isTTY: stderrIsTTY, write: (text: string) => (stderr += text) } });
  return { code, stdout, stderr };
}

/** A contacts event store under `dataDir` with `count` events, alternating between two sites. */
async function storeWithEvents(dataDir: string, count: number): Promise<string> {
  const file = eventStoreFile(dataDir, 'contacts');
  const store = new SqliteEventStore(file);
  for (let i = 0; i < count; i++) {
    const siteId = `site-${i % 2}`;
    await store.append(`contact-${siteId}.c${i}`, [{ type: 'ContactCreated', data: { i }, metadata: { siteId } }], 'no_stream');
  }
  await store.close();
  return file;
}

const parseLines = (text: string): RecordedEvent[] => text.trim().split('\n').map((line) => JSON.parse(line));

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cli-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('help', () => {
  /** The help with its lines unwrapped: commander wraps them to the terminal's width. */
  const help = async (args: string[]) => {
    const { code, stdout } = await run(args);
    return { code, stdout: stdout.replace(/\s+/g, ' ') };
  };

  it('lists the command groups, on stdout, with exit 0', async () => {
    const { code, stdout } = await help(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: contacts-platform');
    expect(stdout).toMatch(/replay\s+read the stored events back/);
  });

  it('lists the replay commands', async () => {
    const { code, stdout } = await help(['replay', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/rebuild \[options\] <read-model>/);
    expect(stdout).toMatch(/export \[options\]/);
  });

  it('is also a command, as `npx contacts-platform help` needs (npx takes a first --help for its own)', async () => {
    const { code, stdout } = await help(['help', 'replay']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: contacts-platform replay');
  });

  it("lists export's options with their defaults, choices and environment variables", async () => {
    const { code, stdout } = await help(['replay', 'export', '--help']);
    expect(code).toBe(0);
    for (const option of ['--event-store', '--data-dir', '--service', '--site', '--contact', '--from', '--to', '--out']) expect(stdout).toContain(option);
    expect(stdout).toContain('env: EVENTSTORE_URL');
    expect(stdout).toMatch(/default: "\.\/data", env: DATA_DIR/);
    expect(stdout).toMatch(/choices: "contacts", "labels", "extended-fields", default: "contacts"/);
  });

  it("lists rebuild's read models and options", async () => {
    const { code, stdout } = await help(['replay', 'rebuild', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/read-model .*choices: "contacts"/);
    for (const option of ['--mongo', '--database', '--event-store', '--data-dir']) expect(stdout).toContain(option);
    expect(stdout).toContain('env: MONGODB_URL');
  });
});

describe('usage errors exit 2 with a message', () => {
  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['replay', 'bogus'], /unknown command 'bogus'/],
    [['replay', 'export', '--bogus'], /unknown option '--bogus'/],
    [['replay', 'export', 'extra'], /too many arguments/],
    [['replay', 'export', '--from', 'yesterday'], /'yesterday' is invalid\. It is not an ISO-8601 time/],
    [['replay', 'rebuild'], /missing required argument 'read-model'/],
    [['replay', 'rebuild', 'labels'], /'labels' is invalid .* Allowed choices are contacts/],
  ])('%j', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('shows the help on stderr for a group called without a command', async () => {
    const { code, stdout, stderr } = await run(['replay']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: contacts-platform replay');
  });

  it('refuses an unknown service, and creates nothing', async () => {
    const { code, stderr } = await run(['replay', 'export', '--service', 'bogus', '--data-dir', dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/'bogus' is invalid\. Allowed choices are contacts, labels, extended-fields/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('missing stores are refused, and nothing is created', () => {
  it('an --event-store file that is not there', async () => {
    const typo = join(dir, 'typo', 'contacts-events.sqlite');
    const { code, stdout, stderr } = await run(['replay', 'export', '--event-store', typo]);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: no event store at ${typo}\n`);
    expect(stdout).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a service's store under a data directory that is not there", async () => {
    const nowhere = join(dir, 'nowhere');
    const { code, stderr } = await run(['replay', 'export', '--data-dir', nowhere, '--service', 'labels']);
    expect(code).toBe(2);
    expect(stderr).toContain(join(nowhere, 'labels-events.sqlite'));
    expect(existsSync(nowhere)).toBe(false);
  });

  it('the data directory named by DATA_DIR', async () => {
    const previous = process.env.DATA_DIR;
    process.env.DATA_DIR = join(dir, 'from-env');
    try {
      const { code, stderr } = await run(['replay', 'export']);
      expect(code).toBe(2);
      expect(stderr).toContain(join(dir, 'from-env', 'contacts-events.sqlite'));
    } finally {
      if (previous === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = previous;
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a SQLite file that is not an event store, which is left without an events table', async () => {
    const readStore = readStoreFile(dir, 'contacts');
    await new SqliteReadStore(readStore).close();
    const { code, stderr } = await run(['replay', 'export', '--event-store', readStore]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${readStore} is a SQLite database but not an event store`);
    const db = new Database(readStore, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'events'").get()).toBeUndefined();
    db.close();
  });

  it('a file that is not SQLite at all', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'not a database, and long enough to have a header that is not SQLite\n');
    const { code, stderr } = await run(['replay', 'export', '--event-store', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file} is not a SQLite database`);
  });

  it('a rebuild in a data directory that is not there', async () => {
    const nowhere = join(dir, 'nowhere');
    const { code, stderr } = await run(['replay', 'rebuild', 'contacts', '--data-dir', nowhere]);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: no data directory at ${nowhere} (set DATA_DIR or --data-dir)\n`);
    expect(existsSync(nowhere)).toBe(false);
  });

  it('a rebuild in a data directory without a contacts event store', async () => {
    const { code, stderr } = await run(['replay', 'rebuild', 'contacts', '--data-dir', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(`no event store at ${eventStoreFile(dir, 'contacts')}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an --out file in a directory that is not there, before the store is opened', async () => {
    await storeWithEvents(dir, 1);
    const { code, stderr } = await run(['replay', 'export', '--data-dir', dir, '--out', join(dir, 'nodir', 'events.jsonl')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`no directory ${join(dir, 'nodir')}`);
    expect(readdirSync(dir)).toEqual(['contacts-events.sqlite']);
  });
});

const postgresUrl = process.env.POSTGRES_URL;
(postgresUrl ? describe : describe.skip)('export from PostgreSQL (POSTGRES_URL)', () => {
  // A database of its own, so the services' table names meet no other suite's.
  const database = `cli_${Date.now()}`;
  let url: string;
  const admin = () => new Client({ connectionString: postgresUrl });

  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE ${database}`);
    await client.end();
    const parsed = new URL(postgresUrl!);
    parsed.pathname = `/${database}`;
    url = parsed.toString();
  });
  afterAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.end();
  });

  it("writes a service's events from its table, in order", async () => {
    const store = new PostgresEventStore(url, { name: 'labels' });
    for (let i = 0; i < 3; i++) await store.append(`labelcatalog-site-${i}`, [{ type: 'LabelCreated', data: { i }, metadata: { siteId: `site-${i}` } }], 'no_stream');
    await store.close();
    const { code, stdout } = await run(['replay', 'export', '--event-store', url, '--service', 'labels']);
    expect(code).toBe(0);
    expect(parseLines(stdout).map((event) => [event.streamId, event.data])).toEqual([0, 1, 2].map((i) => [`labelcatalog-site-${i}`, { i }]));
  });

  it("refuses a database without the service's table, and creates none", async () => {
    const { code, stderr } = await run(['replay', 'export', '--event-store', url, '--service', 'extended-fields']);
    expect(code).toBe(2);
    expect(stderr).toBe('error: no extended-fields event store in that PostgreSQL database (no table event_store."extended_fields")\n');
    expect(await PostgresEventStore.exists(url, 'extended-fields')).toBe(false);
  });
});

describe('export', () => {
  it('writes every stored event as JSON Lines, in order, to --out', async () => {
    await storeWithEvents(dir, 25);
    const out = join(dir, 'events.jsonl');
    const { code, stdout, stderr } = await run(['replay', 'export', '--data-dir', dir, '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const events = parseLines(readFileSync(out, 'utf8'));
    expect(events.map((event) => event.globalPosition)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(events[3]).toMatchObject({ type: 'ContactCreated', streamId: 'contact-site-1.c3', siteId: 'site-1', data: { i: 3 } });
    expect(stderr).toMatch(/exported 25 events\n$/);
  });

  it("writes one site's events to stdout", async () => {
    const file = await storeWithEvents(dir, 6);
    const { code, stdout } = await run(['replay', 'export', '--event-store', file, '--site', 'site-0']);
    expect(code).toBe(0);
    expect(parseLines(stdout).map((event) => event.streamId)).toEqual(['contact-site-0.c0', 'contact-site-0.c2', 'contact-site-0.c4']);
  });

  it('shows progress to a file or pipe as lines, without a carriage return', async () => {
    await storeWithEvents(dir, 20);
    const { stderr } = await run(['replay', 'export', '--data-dir', dir, '--out', join(dir, 'events.jsonl')]);
    expect(stderr).not.toContain('\r');
    expect(stderr).toMatch(/^exporting: 5% \(1\/20\)\n/);
    expect(stderr).toContain('exporting: 100% (20/20)\n');
  });

  it('shows progress to a terminal as a bar redrawn in place', async () => {
    await storeWithEvents(dir, 3);
    const { stderr } = await run(['replay', 'export', '--data-dir', dir, '--out', join(dir, 'events.jsonl')], { stderrIsTTY: true });
    expect(stderr).toMatch(/\rexporting \[#+\] 100% 3\/3\nexported 3 events\n$/);
  });
});

describe('rebuild contacts (standalone)', () => {
  it('refuses while the app serves the data directory', async () => {
    await storeWithEvents(dir, 1);
    const unmark = markDataDirServed(dir);
    try {
      const { code, stderr } = await run(['replay', 'rebuild', 'contacts', '--data-dir', dir]);
      expect(code).toBe(2);
      expect(stderr).toContain(`the app (pid ${process.pid}) is serving ${dir}: stop it first`);
    } finally {
      unmark();
    }
  });

  it('refuses an --event-store, which only a rebuild into MongoDB reads', async () => {
    await storeWithEvents(dir, 1);
    const { code, stderr } = await run(['replay', 'rebuild', 'contacts', '--data-dir', dir, '--event-store', eventStoreFile(dir, 'contacts')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--event-store is for a rebuild into MongoDB/);
  });

  it('refuses without a SQLite read store to replace', async () => {
    await storeWithEvents(dir, 1);
    const { code, stderr } = await run(['replay', 'rebuild', 'contacts', '--data-dir', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(`no SQLite read store at ${readStoreFile(dir, 'contacts')}`);
  });

  it('replaces the live read store with one built from the events', async () => {
    mkdirSync(dir, { recursive: true });
    await new SqliteEventStore(eventStoreFile(dir, 'contacts')).close();
    await new SqliteReadStore(readStoreFile(dir, 'contacts'), { schemaVersion: CONTACTS_READ_MODEL_VERSION }).close();
    const { code, stderr } = await run(['replay', 'rebuild', 'contacts', '--data-dir', dir]);
    expect(code).toBe(0);
    expect(stderr).toContain('rebuilt from 0 events');
    expect(stderr).toContain(`${readStoreFile(dir, 'contacts')} replaced; start the app`);
    expect(readdirSync(dir).sort()).toEqual(['contacts-events.sqlite', 'contacts-read.sqlite']);
  });
});

describe('the executable (main.ts in a process of its own)', () => {
  // Compiled with SWC on require, as jest does here, with the @cp/* aliases of tsconfig.base.json.
  const bootstrap = `
const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
const { compilerOptions } = require(${JSON.stringify(join(__dirname, '..', '..', 'tsconfig.base.json'))});
const jsc = { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', baseUrl: ${JSON.stringify(join(__dirname, '..', '..'))}, paths: compilerOptions.paths };
require.extensions['.ts'] = (module, file) => module._compile(swc.transformFileSync(file, { swcrc: false, jsc, module: { type: 'commonjs' } }).code, file);
process.argv.splice(1, 0, 'main.ts'); // where a script's path would be
require(${JSON.stringify(join(__dirname, 'main.ts'))});
`;
  const runMain = (args: string[]) =>
    promisify(execFile)(process.execPath, ['-e', bootstrap, ...args], { timeout: 20_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('exits 2 on a missing store, and creates nothing', async () => {
    const { code, stderr } = await runMain(['replay', 'export', '--data-dir', join(dir, 'nowhere')]);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: no event store at ${join(dir, 'nowhere', 'contacts-events.sqlite')}\n`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('exports to its stdout and exits 0 once done, progress on its stderr (a pipe) without a carriage return', async () => {
    await storeWithEvents(dir, 5);
    const { code, stdout, stderr } = await runMain(['replay', 'export', '--data-dir', dir]);
    expect(code).toBe(0);
    expect(parseLines(stdout)).toHaveLength(5);
    expect(stderr).not.toContain('\r');
    expect(stderr).toMatch(/exported 5 events\n$/);
  });
});
