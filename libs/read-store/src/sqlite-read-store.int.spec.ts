import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Query } from 'mingo';
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

  it('reads anchored prefixes of an array path through its multikey index, each document once, as MongoDB would match them', async () => {
    const store = new SqliteReadStore(':memory:');
    const people = store.collection('people');
    await people.createIndexes([{ keys: { siteId: 1, tokens: 1 }, name: 'site_tokens' }]);
    const tokens = [['ada', 'adams', 'lovelace'], ['adam'], ['lovelace', 7], 'ada', ['łukasz', 'ada'], [], ['grace', 'hopper', 'ad']];
    const docs = tokens.map((value, i) => ({ _id: `c${i}`, siteId: i === 5 ? 's2' : 's1', tokens: value, created: 100 - i }));
    for (const doc of docs) await people.insertOne(doc);
    const filters = [
      { siteId: 's1', tokens: { $regex: '^ada' } },
      { siteId: 's1', tokens: { $regex: '^ad' } },
      { siteId: 's1', $and: [{ tokens: { $regex: '^love' } }, { tokens: { $regex: '^ada' } }] },
      { siteId: 's1', tokens: { $regex: '^ł' } },
      { siteId: 's1', tokens: { $regex: '^zzz' } },
      { siteId: 's1', tokens: { $in: [] } },
    ];
    for (const filter of filters) {
      const expected = new Query(filter).find(docs).all().sort((a, b) => (b.created as number) - (a.created as number)).map((doc) => doc._id);
      const page = await people.findPage(filter, { sort: { created: -1 }, skip: 1, limit: 2 });
      expect({ filter, ids: page.docs.map((doc) => doc._id), total: page.total }).toEqual({ filter, ids: expected.slice(1, 3), total: expected.length });
      expect((await people.find(filter, { sort: { created: -1 } })).map((doc) => doc._id)).toEqual(expected);
    }
    await store.close();
  });

  it('pages a prefix that most documents have by walking the sort order, as the documents sort', async () => {
    const store = new SqliteReadStore(':memory:');
    const people = store.collection('people');
    await people.createIndexes([{ keys: { siteId: 1, deleted: 1, tokens: 1 }, name: 'site_tokens' }, { keys: { siteId: 1, deleted: 1, created: -1 }, name: 'site_created' }]);
    const docs = Array.from({ length: 300 }, (_, i) => ({ _id: `c${i}`, siteId: 's1', deleted: i % 10 === 0, tokens: i % 3 === 0 ? ['zed'] : ['ann', `a${i}`], created: (i * 7919) % 300 }));
    for (const doc of docs) await people.insertOne(doc);
    for (const filter of [{ siteId: 's1', deleted: false, tokens: { $regex: '^a' } }, { siteId: 's1', deleted: false, $and: [{ tokens: { $regex: '^a' } }, { tokens: { $regex: '^an' } }] }]) {
      const expected = new Query(filter).find(docs).all().sort((a, b) => (b.created as number) - (a.created as number)).map((doc) => doc._id);
      const page = await people.findPage(filter, { sort: { created: -1 }, skip: 10, limit: 5 });
      expect({ ids: page.docs.map((doc) => doc._id), total: page.total }).toEqual({ ids: expected.slice(10, 15), total: expected.length });
    }
    await store.close();
  });
});
