import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataKeys, newMasterKey, PostgresEventStore, RecordedEvent, SqliteDataKeyStore, SqliteEventStore } from '@cp/event-store';
import { SqliteReadStore } from '@cp/read-store';
import { CONTACTS_READ_MODEL_VERSION, IdentityStreams, sealContactEvents } from '@cp/contacts-application';
import { dataKeyEncryptionKeyFile, dataKeysFile, eventStoreFile, markDataDirServed, readStoreFile } from './standalone-files';
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

/** The data keys the app generates into its data directory: its master key and its key store. */
function dataKeysIn(dataDir: string): DataKeys {
  mkdirSync(dataDir, { recursive: true });
  const file = dataKeyEncryptionKeyFile(dataDir);
  if (!existsSync(file)) writeFileSync(file, newMasterKey().toString('base64'));
  return new DataKeys(new SqliteDataKeyStore(dataKeysFile(dataDir)), Buffer.from(readFileSync(file, 'utf8'), 'base64'));
}

/** A contacts event store under `dataDir` with `count` events, alternating between two sites, sealed as the app seals them. */
async function storeWithEvents(dataDir: string, count: number): Promise<string> {
  const file = eventStoreFile(dataDir, 'contacts');
  const keys = dataKeysIn(dataDir);
  const store = sealContactEvents(new SqliteEventStore(file), keys);
  for (let i = 0; i < count; i++) {
    const siteId = `site-${i % 2}`;
    await store.append(`contact-${siteId}.c${i}`, [{ type: 'ContactCreated', data: { i }, metadata: { siteId } }], 'no_stream');
  }
  await store.close();
  await keys.close();
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
    expect(readdirSync(dir).sort()).toEqual(['contacts-events.sqlite', 'data-key-encryption-key', 'data-keys.sqlite']);
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

describe('seal: a data directory written before sealing, rewritten into the sealed form', () => {
  const ADA = 'ada.unsealed@example.com';
  const feedRecord = (contactId: string) => ({
    event: { id: 'e1', eventType: 'wix.contacts.v4.contact_created', instanceId: 'site-a', entityFqdn: 'wix.contacts.v4.contact', slug: 'created', entityId: contactId, eventTime: '2026-01-01T00:00:00.000Z', triggeredByAnonymizeRequest: false, entityEventSequence: 1, identity: { identityType: 'UNKNOWN' }, createdEvent: { entity: { id: contactId, info: { emails: { items: [{ email: ADA }] } } } } },
    sourcePosition: [0, 0],
  });

  /** What an app of the version before wrote: everything in clear, the claim stream named by the address. */
  async function plainDataDir(): Promise<void> {
    const contacts = new SqliteEventStore(eventStoreFile(dir, 'contacts'));
    const metadata = { siteId: 'site-a', idempotency: { key: 'k1', fingerprint: 'f'.repeat(64) } };
    await contacts.append(`contactidentity-site-a.email:${ADA}`, [{ type: 'IdentityClaimed', data: { contactId: 'c1', kind: 'email', value: ADA }, metadata: { siteId: 'site-a' } }], 'no_stream');
    await contacts.append('contact-site-a.c1', [{ type: 'ContactCreated', data: { contactId: 'c1', info: { emails: { items: [{ email: ADA }] } } }, metadata }], 'no_stream');
    await contacts.append('contact-site-a.c1', [{ type: 'ContactLabeled', data: { labelKeys: ['custom.vip'] }, metadata: { siteId: 'site-a' } }], 0);
    await contacts.append('labels-site-a', [{ type: 'LabelCreated', data: { key: 'custom.vip' }, metadata: { siteId: 'site-a' } }], 'no_stream');
    await contacts.close();
    const webhooks = new SqliteEventStore(eventStoreFile(dir, 'webhooks'));
    await webhooks.append('webhookfeed-site-a.wix.contacts.v4.contact:c1', [{ id: 'e1', type: 'wix.contacts.v4.contact_created', data: feedRecord('c1'), metadata: { siteId: 'site-a' } }], 'no_stream');
    await webhooks.close();
  }

  const filesHolding = (text: string) => readdirSync(dir).filter((file) => readFileSync(join(dir, file)).includes(Buffer.from(text)));

  it('seals the personal data and renames the claim streams, keeping every position; again, it finds nothing to do', async () => {
    await plainDataDir();
    const before = await new SqliteEventStore(eventStoreFile(dir, 'contacts')).readAll();
    const { code, stderr } = await run(['replay', 'seal', '--data-dir', dir]);
    expect(code).toBe(0);
    expect(stderr).toContain('contacts: 4 events, 3 sealed now, 0 sealed before, 1 in 1 identity-claim streams renamed');
    expect(stderr).toContain('webhooks: 1 events, 1 sealed now');
    expect(filesHolding(ADA)).toEqual([]);

    const raw = await new SqliteEventStore(eventStoreFile(dir, 'contacts')).readAll();
    expect(raw.map((event) => [event.globalPosition, event.id, event.revision])).toEqual(before.map((event) => [event.globalPosition, event.id, event.revision]));
    const keys = dataKeysIn(dir);
    try {
      expect(raw[0].streamId).toBe(await new IdentityStreams(keys).of('site-a', { kind: 'email', value: ADA })); // the name the app looks for
      const opened = await sealContactEvents(new SqliteEventStore(eventStoreFile(dir, 'contacts')), keys).readAll();
      expect(opened.map((event) => event.data)).toEqual(before.map((event) => event.data));
      expect(opened[1].idempotency?.fingerprint).not.toBe('f'.repeat(64)); // keyed with the contact's key now
    } finally {
      await keys.close();
    }

    const again = await run(['replay', 'seal', '--data-dir', dir]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('contacts: 4 events, 0 sealed now, 3 sealed before, 0 in 0 identity-claim streams renamed');
  });

  it('refuses while the app serves the directory', async () => {
    await plainDataDir();
    const unmark = markDataDirServed(dir);
    try {
      const { code, stderr } = await run(['replay', 'seal', '--data-dir', dir]);
      expect(code).toBe(2);
      expect(stderr).toContain('stop it first');
    } finally {
      unmark();
    }
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

  it('opens the sealed events with the data keys, and writes those of an erased contact redacted', async () => {
    await storeWithEvents(dir, 3);
    const keys = dataKeysIn(dir);
    await keys.destroy('contact:site-1:c1');
    await keys.close();
    const sealed = (await new SqliteEventStore(eventStoreFile(dir, 'contacts')).readAll()).map((event) => JSON.stringify(event.data));
    expect(sealed.every((data) => data.includes('$sealed'))).toBe(true);
    const { code, stdout } = await run(['replay', 'export', '--data-dir', dir]);
    expect(code).toBe(0);
    expect(parseLines(stdout).map((event) => [event.streamId, event.data, event.redacted ?? false])).toEqual([
      ['contact-site-0.c0', { i: 0 }, false],
      ['contact-site-1.c1', {}, true],
      ['contact-site-0.c2', { i: 2 }, false],
    ]);
  });

  it('refuses to export the contacts without the master key', async () => {
    await storeWithEvents(dir, 1);
    rmSync(dataKeyEncryptionKeyFile(dir));
    const { code, stderr } = await run(['replay', 'export', '--data-dir', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain('no DATA_KEY_ENCRYPTION_KEY');
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
    await dataKeysIn(dir).close();
    await new SqliteReadStore(readStoreFile(dir, 'contacts'), { schemaVersion: CONTACTS_READ_MODEL_VERSION }).close();
    const { code, stderr } = await run(['replay', 'rebuild', 'contacts', '--data-dir', dir]);
    expect(code).toBe(0);
    expect(stderr).toContain('rebuilt from 0 events');
    expect(stderr).toContain(`${readStoreFile(dir, 'contacts')} replaced; start the app`);
    expect(readdirSync(dir).sort()).toEqual(['contacts-events.sqlite', 'contacts-read.sqlite', 'data-key-encryption-key', 'data-keys.sqlite']);
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
