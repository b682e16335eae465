import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadStore } from './sqlite-read-store';

/** What the SQLite store keeps across a reopen (the contract suite covers one open store). */
describe('SqliteReadStore on a file', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'sqlite-read-store-')), 'read.sqlite');
  const contact = (id: string, labels: string[] | string, first: string) => ({ _id: id, siteId: 's1', deleted: false, labels, name: { first }, created: id });
  const INDEXES = [
    { keys: { siteId: 1 as const, deleted: 1 as const, labels: 1 as const, created: -1 as const }, name: 'site_label_created' },
    { keys: { siteId: 1 as const, 'name.first': 1 as const }, name: 'site_first', caseInsensitive: ['name.first'] },
  ];

  it('keeps documents, renamed collections and multikey indexes across a reopen', async () => {
    const path = file();
    const first = new SqliteReadStore(path, { schemaVersion: 1 });
    const contacts = first.collection('contacts_aside');
    await contacts.createIndexes(INDEXES);
    await contacts.insertOne(contact('c1', 'vip', 'Ada'));
    await contacts.insertOne(contact('c2', ['vip', 'lead'], 'alan'));
    await contacts.insertOne(contact('c3', ['lead'], 'Grace'));
    await contacts.renameTo('contacts');
    await first.close();

    const second = new SqliteReadStore(path, { schemaVersion: 1 });
    const reopened = second.collection('contacts');
    // A writer that never called createIndexes still keeps the multikey rows.
    await reopened.updateOne({ _id: 'c3' }, { $set: { labels: ['lead', 'vip'] } });
    const page = await reopened.findPage({ siteId: 's1', deleted: false, labels: 'vip' }, { sort: { created: -1 }, skip: 0, limit: 10 });
    expect({ ids: page.docs.map((doc) => doc._id), total: page.total }).toEqual({ ids: ['c3', 'c2', 'c1'], total: 3 });
    expect((await reopened.find({ siteId: 's1', 'name.first': { $regex: '^al', $options: 'i' } })).map((doc) => doc._id)).toEqual(['c2']);
    expect(await second.listCollections()).toEqual(['contacts']);
    await second.close();
  });

  it('starts empty when the file was written by another schema version, and keeps it for the same one', async () => {
    const path = file();
    const v1 = new SqliteReadStore(path, { schemaVersion: 1 });
    await v1.collection('contacts').insertOne(contact('c1', 'vip', 'Ada'));
    await v1.close();
    const same = new SqliteReadStore(path, { schemaVersion: 1 });
    expect(await same.collection('contacts').countDocuments({})).toBe(1);
    await same.close();
    const v2 = new SqliteReadStore(path, { schemaVersion: 2 });
    expect(await v2.collection('contacts').countDocuments({})).toBe(0);
    expect(await v2.listCollections()).toEqual([]);
    await v2.collection('contacts').insertOne(contact('c9', [], 'New'));
    await v2.close();
    const again = new SqliteReadStore(path, { schemaVersion: 2 });
    expect((await again.collection('contacts').find({})).map((doc) => doc._id)).toEqual(['c9']);
    await again.close();
  });

  it('finds case-insensitive prefixes through the case-folded index as the regex would, the letters with non-ASCII forms included', async () => {
    const store = new SqliteReadStore(':memory:');
    const people = store.collection('people');
    await people.createIndexes([INDEXES[1]]);
    const names = ['Isa', 'ısa', 'İsa', 'ſki', 'Ski', 'skı', 'Kim', '\u212aim', 'kİm', 'Lu', 'lU', 'Łu', 'sa'];
    for (const [i, first] of names.entries()) await people.insertOne(contact(`c${i}`, [], first));
    for (const [pattern, options] of [['^is', 'i'], ['^IS', 'iu'], ['^sk', 'i'], ['^sk', 'iu'], ['^ki', 'i'], ['^ki', 'iu'], ['^lu', 'i'], ['^Lu', ''], ['^s', 'i'], ['^S', 'iu']]) {
      const regex = new RegExp(pattern, options);
      const expected = names.flatMap((first, i) => (regex.test(first) ? [`c${i}`] : []));
      const found = await people.find({ siteId: 's1', 'name.first': { $regex: pattern, $options: options } }, { sort: { _id: 1 } });
      expect({ pattern, options, found: found.map((doc) => doc._id).sort() }).toEqual({ pattern, options, found: expected.sort() });
      expect(await people.countDocuments({ siteId: 's1', 'name.first': { $regex: pattern, $options: options } })).toBe(expected.length);
    }
    await store.close();
  });
});
