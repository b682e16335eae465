import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataKeys, newMasterKey, SqliteDataKeyStore, SqliteEventStore } from '@cp/event-store';
import { SqliteReadStore } from '@cp/read-store';
import { ContactsApplication, contactStream } from './index';
import { expectError, siteA, startContacts, stopContacts } from './test/contacts-test-kit';

/** What must be unreadable anywhere once Ada is erased. */
const ADA = { email: 'ada.lovelace@engines.example', phone: '+442079460958', last: 'Lovelace-Byron' };
const adaInfo = { name: { first: 'Augusta', last: ADA.last }, emails: { items: [{ email: ADA.email }] }, phones: { items: [{ phone: ADA.phone }] }, company: 'Analytical Engines' };
const graceInfo = { name: { first: 'Grace', last: 'Hopper' }, emails: { items: [{ email: 'grace@navy.example' }] } };

describe('erasing a contact (crypto-shredding, on SQLite files)', () => {
  let dir: string;
  let events: SqliteEventStore;
  let keyStore: SqliteDataKeyStore;
  let masterKey: Buffer;
  let dataKeys: DataKeys;
  let readStore: SqliteReadStore;
  let app: ContactsApplication;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erasure-'));
    events = new SqliteEventStore(join(dir, 'contacts-events.sqlite'));
    keyStore = new SqliteDataKeyStore(join(dir, 'data-keys.sqlite'));
    masterKey = newMasterKey();
    dataKeys = new DataKeys(keyStore, masterKey);
    readStore = new SqliteReadStore(join(dir, 'contacts-read.sqlite'));
    app = await startContacts(events, readStore, { dataKeys });
  });

  afterEach(async () => {
    await stopContacts(app);
    await events.close();
    await readStore.close();
    await keyStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const filesHolding = (text: string) => readdirSync(dir).filter((file) => readFileSync(join(dir, file)).includes(Buffer.from(text)));

  it('leaves no API, history, stored event or file that yields the personal data, and keeps everyone else', async () => {
    const ada = await app.commands.create(siteA, { info: adaInfo });
    await app.commands.update(siteA, { contactId: ada.id, revision: 1, info: { jobTitle: 'Countess' } });
    const grace = await app.commands.create(siteA, { info: graceInfo });
    // Only the read model holds it in clear, as queries need it.
    await new Promise((resolve) => setImmediate(resolve)); // the read store commits a turn's writes together
    expect(filesHolding(ADA.email).length).toBeGreaterThan(0);
    expect(filesHolding(ADA.email).every((file) => file.startsWith('contacts-read.sqlite'))).toBe(true);

    await app.commands.erase(siteA, ada.id);

    await expectError(app.queries.get(siteA, { contactId: ada.id }), 'CONTACT_NOT_FOUND');
    await expectError(app.history.history(siteA, { contactId: ada.id }), 'CONTACT_NOT_FOUND');
    await expectError(app.history.asOf(siteA, { contactId: ada.id, asOf: new Date().toISOString() }), 'CONTACT_NOT_FOUND');
    await expectError(app.commands.update(siteA, { contactId: ada.id, revision: 3, info: { company: 'X' } }), 'CONTACT_NOT_FOUND');
    expect((await app.queries.query(siteA, { search: 'Lovelace' })).contacts).toEqual([]);
    expect((await app.queries.list(siteA, {})).contacts.map((contact) => contact.id)).toEqual([grace.id]);

    const stored = await app.eventStore.readStream(contactStream(siteA.siteId, ada.id));
    expect(stored.map((event) => [event.type, event.redacted ?? false, event.data])).toEqual([
      ['ContactCreated', true, {}],
      ['ContactUpdated', true, {}],
      ['ContactErased', false, { contactId: ada.id }],
    ]);
    const replay = JSON.stringify(await app.eventStore.readAll());
    for (const secret of Object.values(ADA)) expect(replay).not.toContain(secret);
    expect(replay).toContain('grace@navy.example');
    for (const secret of Object.values(ADA)) expect(filesHolding(secret)).toEqual([]);

    // Its email and phone are free again; erasing again changes nothing.
    await app.commands.erase(siteA, ada.id);
    expect(await app.eventStore.readStream(contactStream(siteA.siteId, ada.id))).toHaveLength(3);
    await app.commands.create(siteA, { info: { emails: { items: [{ email: ADA.email }] } } });
  });

  it('erases a contact that was deleted, and a rebuild from zero yields exactly the live model', async () => {
    const ada = await app.commands.create(siteA, { info: adaInfo });
    await app.commands.create(siteA, { info: graceInfo });
    await app.commands.delete(siteA, { contactId: ada.id });
    await app.commands.erase(siteA, ada.id);
    await expectError(app.commands.erase(siteA, 'no-such-contact'), 'CONTACT_NOT_FOUND');
    const live = await app.queries.query(siteA, {});

    await stopContacts(app);
    const rebuilt = new SqliteReadStore(join(dir, 'rebuilt-read.sqlite'));
    // A fresh process: no key it had at hand, only what the key store holds.
    const restarted = await startContacts(events, rebuilt, { dataKeys: new DataKeys(keyStore, masterKey) });
    try {
      await restarted.projection.waitFor(await events.headPosition());
      expect(await restarted.queries.query(siteA, {})).toEqual(live);
      expect(live.contacts).toHaveLength(1);
      for (const secret of Object.values(ADA)) expect(filesHolding(secret)).toEqual([]);
    } finally {
      await stopContacts(restarted);
      await rebuilt.close();
      app = await startContacts(events, readStore, { dataKeys });
    }
  });
});
