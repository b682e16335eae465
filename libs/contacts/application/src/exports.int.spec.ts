import { SqliteEventStore } from '@cp/event-store';
import { ContactsApplication, EXPORT_PAGE_LIMIT, Exports, systemClock, uuidSource } from './index';
import { expectError, siteA, useContactsOnSqlite } from './test/contacts-test-kit';

describe('contact exports', () => {
  const running = useContactsOnSqlite();
  let store: SqliteEventStore;
  let app: ContactsApplication;
  beforeEach(() => ({ store, app } = running));

  const create = (n: number) => app.commands.create(siteA, { info: { name: { first: `Person ${n}` }, emails: { items: [{ email: `p${n}@exports.io` }] } } });
  /** Every page of an export, as the gateway reads them. */
  async function readAll(exports: Exports, exportId: string, limit: number) {
    const names: string[] = [];
    for (let offset = 0; ; ) {
      const { contacts, total, nextOffset } = await exports.page(siteA, { exportId, offset, limit });
      names.push(...contacts.map((c) => c.info.name!.first!));
      if (nextOffset >= total) return names;
      offset = nextOffset;
    }
  }

  it('stores a long list in chunks, one event each, then the export, and pages across them as of its creation', async () => {
    const made = [];
    for (let n = 0; n < 8; n++) made.push(await create(n));
    const exports = new Exports(store, app.queries, uuidSource, systemClock, 3);
    const { export: created } = await exports.create(siteA, { format: 'CSV' });
    expect(created).toMatchObject({ status: 'READY', totalContacts: 8 });

    const list = await store.readStream(`contactexportlist-${siteA.siteId}.${created.id}`);
    expect(list.map((e) => [e.type, (e.data as { items: unknown[] }).items.length])).toEqual([
      ['ListChunkStored', 3],
      ['ListChunkStored', 3],
      ['ListChunkStored', 2],
    ]);
    const [header, ...more] = await store.readStream(`contactexport-${siteA.siteId}.${created.id}`);
    expect([header.type, header.data, more]).toEqual(['ExportCreated', expect.objectContaining({ totalContacts: 8, chunkSize: 3 }), []]);
    expect(header.globalPosition).toBeGreaterThan(list[2].globalPosition); // the commit point comes last
    // Changed after the export: the file still shows it as it was.
    await app.commands.update(siteA, { contactId: made[7].id, revision: 1, info: { name: { first: 'Renamed' } } });
    await create(99);
    const newestFirst = Array.from({ length: 8 }, (_, i) => `Person ${7 - i}`);
    expect(await readAll(exports, created.id, 2)).toEqual(newestFirst); // pages that straddle chunks
    expect(await readAll(exports, created.id, EXPORT_PAGE_LIMIT)).toEqual(newestFirst);
    // Another process (or a restart) reads it from the store alone.
    expect(await readAll(new Exports(store, app.queries, uuidSource, systemClock, 3), created.id, 4)).toEqual(newestFirst);
  });

  it('does not show an export whose creation broke off after its list', async () => {
    for (let n = 0; n < 5; n++) await create(n);
    const exports = new Exports(store, app.queries, uuidSource, systemClock, 2);
    const { export: created } = await exports.create(siteA, { format: 'JSONL' });
    // As a crash before the export's own event leaves it: a list, no export.
    const cutId = '0b6f1d0e-5d55-4a33-9c2a-1f1e2d3c4b5a';
    const list = await store.readStream(`contactexportlist-${siteA.siteId}.${created.id}`);
    await store.append(`contactexportlist-${siteA.siteId}.${cutId}`, list.map((e) => ({ type: e.type, data: e.data, metadata: { siteId: siteA.siteId } })), 'no_stream');

    await expectError(exports.get(siteA, cutId), 'EXPORT_NOT_FOUND');
    await expectError(exports.page(siteA, { exportId: cutId, offset: 0, limit: 10 }), 'EXPORT_NOT_FOUND');
    expect((await exports.get(siteA, created.id)).export.totalContacts).toBe(5);
  });

  it('reads an export stored with its whole list in one event', async () => {
    for (let n = 0; n < 3; n++) await create(n);
    const contacts = await app.queries.matchingRevisions(siteA, undefined, undefined);
    const exportId = '6a3e2f1d-0c9b-4a8e-b7d6-5c4b3a291807';
    await store.append(`contactexport-${siteA.siteId}.${exportId}`, [{ type: 'ExportCreated', data: { exportId, format: 'CSV', contacts }, metadata: { siteId: siteA.siteId, occurredAt: new Date().toISOString() } }], 'no_stream');

    const exports = new Exports(store, app.queries, uuidSource, systemClock, 2);
    expect((await exports.get(siteA, exportId)).export).toMatchObject({ status: 'READY', totalContacts: 3 });
    expect(await readAll(exports, exportId, 2)).toEqual(['Person 2', 'Person 1', 'Person 0']);
  });

  it('pages wide contacts by bytes: fewer than asked, and the next page starts where this one stopped', async () => {
    // ~40 KB each (a field holds at most 1,000 characters, so many of them): 30 are past a 1 MB message.
    const addresses = Array.from({ length: 40 }, (_, i) => ({ address: { addressLine: `${i} ${'n'.repeat(990)}` } }));
    for (let n = 0; n < 30; n++) await app.commands.create(siteA, { info: { name: { first: `Wide ${n}` }, addresses: { items: addresses } } });
    const exports = new Exports(store, app.queries, uuidSource, systemClock);
    const { export: created } = await exports.create(siteA, { format: 'JSONL' });
    const first = await exports.page(siteA, { exportId: created.id, offset: 0, limit: EXPORT_PAGE_LIMIT });
    expect(first.contacts.length).toBeLessThan(30);
    expect(first.nextOffset).toBe(first.contacts.length);
    expect(Buffer.byteLength(JSON.stringify(first))).toBeLessThan(1024 * 1024);
    expect(await readAll(exports, created.id, EXPORT_PAGE_LIMIT)).toEqual(Array.from({ length: 30 }, (_, i) => `Wide ${29 - i}`));
  });
});
