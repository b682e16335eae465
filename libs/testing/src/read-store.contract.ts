import { randomUUID } from 'node:crypto';
import { Document, DuplicateKeyError, ReadCollection, ReadStore, SortSpec } from '@cp/read-store';

interface Person extends Document {
  siteId: string;
  name: { first: string; last?: string };
  age?: number;
  tags: string[];
  createdDate: string;
}

interface Row extends Document {
  site: string;
  deleted: boolean;
  created: string;
  seq: number;
  name: string;
  tags: string[];
}

/** 2,400 rows over two sites, with tags, names and creation times that repeat (seeded, so every run is the same). */
function manyRows(): Row[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const names = ['Ada', 'alan', 'Alma', 'Grace', 'Linus', 'Barbara', 'Ken', 'Édith'];
  return Array.from({ length: 2_400 }, (_, i) => ({
    _id: `r${i}`,
    site: random() < 0.7 ? 's1' : 's2',
    deleted: random() < 0.1,
    created: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 400) * 60_000).toISOString(),
    seq: i,
    name: names[Math.floor(random() * names.length)],
    tags: ['a', 'b', 'c', 'd'].filter((_, t) => random() < 0.75 - t * 0.2),
  }));
}

/**
 * The behaviour every ReadStore adapter must show, in MongoDB's semantics. Each test works in
 * a fresh collection so the suite can run against a shared server.
 */
export function describeReadStoreContract(name: string, create: () => Promise<ReadStore>): void {
  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;
    let people: ReadCollection<Person>;
    const seed: Person[] = [
      { _id: 'p1', siteId: 's1', name: { first: 'Ada', last: 'Lovelace' }, age: 36, tags: ['math', 'vip'], createdDate: '2026-01-01T00:00:00.000Z' },
      { _id: 'p2', siteId: 's1', name: { first: 'Alan' }, age: 41, tags: ['math'], createdDate: '2026-01-03T00:00:00.000Z' },
      { _id: 'p3', siteId: 's1', name: { first: 'grace', last: 'Hopper' }, tags: [], createdDate: '2026-01-02T00:00:00.000Z' },
      { _id: 'p4', siteId: 's2', name: { first: 'Ada' }, age: 20, tags: ['vip'], createdDate: '2026-01-04T00:00:00.000Z' },
    ];

    beforeEach(async () => {
      store = await create();
      people = store.collection<Person>(`people_${randomUUID().replace(/-/g, '')}`);
      for (const person of seed) await people.insertOne(person);
    });
    afterEach(async () => {
      await people.drop();
      await store.close();
    });

    const ids = (docs: Document[]) => docs.map((d) => d._id);

    it('finds by id and by nested equality', async () => {
      expect((await people.findOne({ _id: 'p2' }))?.name.first).toBe('Alan');
      expect(await people.findOne({ _id: 'nope' })).toBeNull();
      expect(ids(await people.find({ 'name.first': 'Ada' }, { sort: { _id: 1 } }))).toEqual(['p1', 'p4']);
    });

    it('evaluates $ne, $in, $nin, $exists, ranges, $all, $and, $or, $not and anchored regexes', async () => {
      const sorted = { sort: { _id: 1 as const } };
      expect(ids(await people.find({ siteId: 's1', age: { $ne: 36 } }, sorted))).toEqual(['p2', 'p3']);
      expect(ids(await people.find({ age: { $in: [20, 41] } }, sorted))).toEqual(['p2', 'p4']);
      expect(ids(await people.find({ age: { $nin: [20, 41] } }, sorted))).toEqual(['p1', 'p3']);
      expect(ids(await people.find({ age: { $exists: false } }, sorted))).toEqual(['p3']);
      expect(ids(await people.find({ createdDate: { $gte: '2026-01-02T00:00:00.000Z', $lt: '2026-01-04T00:00:00.000Z' } }, sorted))).toEqual(['p2', 'p3']);
      expect(ids(await people.find({ tags: 'vip' }, sorted))).toEqual(['p1', 'p4']);
      expect(ids(await people.find({ tags: { $all: ['math', 'vip'] } }, sorted))).toEqual(['p1']);
      expect(ids(await people.find({ tags: { $in: ['vip', 'none'] } }, sorted))).toEqual(['p1', 'p4']);
      expect(ids(await people.find({ $or: [{ age: 20 }, { 'name.last': 'Hopper' }] }, sorted))).toEqual(['p3', 'p4']);
      expect(ids(await people.find({ $and: [{ siteId: 's1' }, { age: { $gt: 40 } }] }, sorted))).toEqual(['p2']);
      expect(ids(await people.find({ age: { $not: { $gt: 30 } } }, sorted))).toEqual(['p3', 'p4']);
      expect(ids(await people.find({ 'name.first': { $regex: '^GR', $options: 'i' } }, sorted))).toEqual(['p3']);
    });

    it('sorts, skips and limits, and counts', async () => {
      expect(ids(await people.find({}, { sort: { createdDate: -1 } }))).toEqual(['p4', 'p2', 'p3', 'p1']);
      expect(ids(await people.find({}, { sort: { createdDate: 1 }, skip: 1, limit: 2 }))).toEqual(['p3', 'p2']);
      expect(ids(await people.find({ siteId: 's1' }, { sort: { age: 1, _id: 1 } }))).toEqual(['p3', 'p1', 'p2']);
      expect(await people.countDocuments({ siteId: 's1' })).toBe(3);
      expect(await people.countDocuments({ siteId: 'none' })).toBe(0);
    });

    it('pages: the page a find would give and the count of all matches', async () => {
      const sorts: SortSpec[] = [{ createdDate: -1 }, { age: 1, _id: 1 }, { 'name.last': -1, _id: -1 }];
      for (const sort of sorts) {
        const page = await people.findPage({ siteId: 's1' }, { sort, skip: 1, limit: 2 });
        expect(ids(page.docs)).toEqual(ids(await people.find({ siteId: 's1' }, { sort, skip: 1, limit: 2 })));
        expect(page.total).toBe(3);
      }
      expect(await people.findPage({ siteId: 'none' }, { sort: { _id: 1 }, skip: 0, limit: 5 })).toEqual({ docs: [], total: 0 });
      expect(ids(await people.find({ _id: { $in: ['p2', 'p9', 'p4'] } }, { sort: { _id: 1 } }))).toEqual(['p2', 'p4']);
    });

    it('counts no further than countLimit, and pages as without it', async () => {
      const capped = await people.findPage({ siteId: 's1' }, { sort: { _id: 1 }, skip: 0, limit: 3, countLimit: 2 });
      expect({ ids: ids(capped.docs), total: capped.total }).toEqual({ ids: ['p1', 'p2', 'p3'], total: 2 });
      expect((await people.findPage({ siteId: 's1' }, { sort: { _id: 1 }, skip: 0, limit: 1, countLimit: 10 })).total).toBe(3);
    });

    it('scans every match in sort order, in batches, and writes between batches repeat nothing', async () => {
      const unindexed: string[] = [];
      for await (const batch of people.scan({ siteId: 's1' }, { sort: { createdDate: -1 }, batchSize: 2 })) unindexed.push(...ids(batch));
      expect(unindexed).toEqual(ids(await people.find({ siteId: 's1' }, { sort: { createdDate: -1 } })));

      const rows = store.collection<{ _id: string; siteId: string; n: number; even: boolean }>(`scan_${randomUUID().replace(/-/g, '')}`);
      await rows.createIndexes([{ keys: { siteId: 1, n: -1 }, name: 'site_n', sortOnly: true }]);
      for (let n = 0; n < 25; n++) await rows.insertOne({ _id: `r${n}`, siteId: 's1', n, even: n % 2 === 0 });
      await rows.insertOne({ _id: 'other-site', siteId: 's2', n: 8, even: true });
      const seen: string[] = [];
      let batches = 0;
      for await (const batch of rows.scan({ siteId: 's1', even: true }, { sort: { n: -1 }, batchSize: 4 })) {
        expect(batch.length).toBeLessThanOrEqual(4);
        seen.push(...ids(batch));
        if (++batches === 1) {
          await rows.insertOne({ _id: 'late', siteId: 's1', n: 30, even: true });
          await rows.insertOne({ _id: 'late-behind', siteId: 's1', n: 1.5, even: true });
        }
      }
      expect(batches).toBeGreaterThan(1);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => !id.startsWith('late'))).toEqual([24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0].map((n) => `r${n}`));
      await rows.drop();
    });

    it('projects fields', async () => {
      const [doc] = await people.find({ _id: 'p1' }, { projection: { 'name.first': 1 } });
      expect(doc).toEqual({ _id: 'p1', name: { first: 'Ada' } });
    });

    it('updates with $set, $unset, $inc, $addToSet and $pull', async () => {
      const result = await people.updateOne({ _id: 'p1' }, { $set: { 'name.first': 'Augusta' }, $unset: { age: '' } });
      expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
      await people.updateOne({ _id: 'p2' }, { $inc: { age: 1 }, $addToSet: { tags: 'vip' } });
      await people.updateOne({ _id: 'p4' }, { $pull: { tags: 'vip' } });
      expect(await people.findOne({ _id: 'p1' })).toMatchObject({ name: { first: 'Augusta', last: 'Lovelace' } });
      expect((await people.findOne({ _id: 'p1' }))?.age).toBeUndefined();
      expect(await people.findOne({ _id: 'p2' })).toMatchObject({ age: 42, tags: ['math', 'vip'] });
      expect((await people.findOne({ _id: 'p4' }))?.tags).toEqual([]);
      expect(await people.updateOne({ _id: 'nope' }, { $set: { age: 1 } })).toMatchObject({ matchedCount: 0, upsertedCount: 0 });
    });

    it('upserts: inserts from the filter and $setOnInsert, or updates in place', async () => {
      const inserted = await people.updateOne(
        { _id: 'p9' },
        { $set: { age: 9 }, $setOnInsert: { siteId: 's3', tags: [] } },
        { upsert: true },
      );
      expect(inserted.upsertedCount).toBe(1);
      expect(await people.findOne({ _id: 'p9' })).toMatchObject({ _id: 'p9', age: 9, siteId: 's3' });
      await people.updateOne({ _id: 'p9' }, { $set: { age: 10 }, $setOnInsert: { siteId: 'ignored' } }, { upsert: true });
      expect(await people.findOne({ _id: 'p9' })).toMatchObject({ age: 10, siteId: 's3' });
    });

    it('replaces whole documents, with upsert', async () => {
      await people.replaceOne({ _id: 'p2' }, { _id: 'p2', siteId: 's1', name: { first: 'Turing' }, tags: [], createdDate: 'x' });
      expect(await people.findOne({ _id: 'p2' })).toEqual({ _id: 'p2', siteId: 's1', name: { first: 'Turing' }, tags: [], createdDate: 'x' });
      await people.replaceOne({ _id: 'p8' }, { _id: 'p8', siteId: 's1', name: { first: 'New' }, tags: [], createdDate: 'y' }, { upsert: true });
      expect(await people.countDocuments({})).toBe(5);
    });

    it('updates and deletes many', async () => {
      expect((await people.updateMany({ siteId: 's1' }, { $addToSet: { tags: 'seen' } })).matchedCount).toBe(3);
      expect(await people.countDocuments({ tags: 'seen' })).toBe(3);
      expect((await people.deleteMany({ siteId: 's1' })).deletedCount).toBe(3);
      expect((await people.deleteOne({ _id: 'p4' })).deletedCount).toBe(1);
      expect(await people.countDocuments({})).toBe(0);
    });

    it('enforces unique indexes and duplicate ids', async () => {
      const other = store.collection<Document & { key: string }>(`keys_${randomUUID().replace(/-/g, '')}`);
      await other.createIndexes([{ keys: { key: 1 }, unique: true, name: 'key_unique' }]);
      await other.insertOne({ _id: 'a', key: 'k' });
      await expect(other.insertOne({ _id: 'b', key: 'k' })).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(other.insertOne({ _id: 'a', key: 'other' })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await other.countDocuments({})).toBe(1);
      await other.drop();
    });

    it('answers the same with secondary indexes, and keeps them up to date through writes', async () => {
      await people.createIndexes([
        { keys: { siteId: 1, 'name.first': 1 }, name: 'site_first' },
        { keys: { siteId: 1, tags: 1 }, name: 'site_tags' },
      ]);
      const sorted = { sort: { _id: 1 as const } };
      expect(ids(await people.find({ $and: [{ siteId: 's1' }, { 'name.first': { $regex: '^a', $options: 'i' } }] }, sorted))).toEqual(['p1', 'p2']);
      expect(ids(await people.find({ 'name.first': { $regex: '^A\\.?', $options: 'i' } }, sorted))).toEqual(['p1', 'p2', 'p4']);
      expect(ids(await people.find({ 'name.first': 'ada' }, sorted))).toEqual([]);
      expect(ids(await people.find({ 'name.first': { $regex: '^zz|race' } }, sorted))).toEqual(['p3']);
      expect(ids(await people.find({ 'name.first': { $in: ['Ada', 'grace'] } }, sorted))).toEqual(['p1', 'p3', 'p4']);
      expect(ids(await people.find({ siteId: 's1', tags: { $all: ['vip', 'math'] } }, sorted))).toEqual(['p1']);
      await people.updateOne({ _id: 'p2' }, { $set: { 'name.first': 'Zed' }, $addToSet: { tags: 'vip' } });
      await people.deleteOne({ _id: 'p1' });
      await people.insertOne({ _id: 'p5', siteId: 's1', name: { first: 'Alma' }, tags: ['vip'], createdDate: '2026-01-05T00:00:00.000Z' });
      expect(ids(await people.find({ siteId: 's1', 'name.first': { $regex: '^al', $options: 'i' } }, sorted))).toEqual(['p5']);
      expect(ids(await people.find({ siteId: 's1', tags: 'vip' }, sorted))).toEqual(['p2', 'p5']);
      expect(await people.countDocuments({ siteId: 's1', tags: 'math' })).toBe(1);
    });

    it('pages and counts through ordering and lookup indexes as a full sort of all matches would, through writes', async () => {
      const rows = store.collection<Row>(`rows_${randomUUID().replace(/-/g, '')}`);
      await rows.createIndexes([
        { keys: { site: 1, deleted: 1, created: -1, seq: -1 }, name: 'site_created', sortOnly: true },
        { keys: { site: 1, deleted: 1, tags: 1, created: -1, seq: -1 }, name: 'site_tag_created', sortOnly: true },
        { keys: { site: 1, created: 1, seq: 1, tags: 1 }, name: 'site_created_tags', sortOnly: true },
        { keys: { site: 1, deleted: 1, tags: 1 }, name: 'site_live_tags' },
        { keys: { site: 1, name: 1 }, name: 'site_name' },
      ]);
      const expected = new Map<string, Row>();
      for (const row of manyRows()) {
        await rows.insertOne(row);
        expected.set(row._id, row);
      }
      // writes after indexing: deletes, re-tagging, tombstoning
      for (let i = 0; i < 2_400; i += 37) {
        await rows.deleteOne({ _id: `r${i}` });
        expected.delete(`r${i}`);
      }
      for (let i = 5; i < 2_400; i += 23) {
        if (!expected.has(`r${i}`)) continue;
        await rows.updateOne({ _id: `r${i}` }, { $set: { tags: ['d'], deleted: i % 2 === 0 } });
        expected.set(`r${i}`, { ...expected.get(`r${i}`)!, tags: ['d'], deleted: i % 2 === 0 });
      }
      const live = (row: Row) => row.site === 's1' && !row.deleted;
      const cases: [Record<string, unknown>, (row: Row) => boolean][] = [
        [{ site: 's1', deleted: false }, live],
        [{ site: 's1', deleted: false, tags: { $in: ['a'] } }, (r) => live(r) && r.tags.includes('a')],
        [{ site: 's1', deleted: false, tags: 'd' }, (r) => live(r) && r.tags.includes('d')],
        [{ site: 's2', deleted: false, tags: { $all: ['b'] } }, (r) => r.site === 's2' && !r.deleted && r.tags.includes('b')],
        [{ site: 's1', deleted: false, tags: { $in: ['c', 'd'] } }, (r) => live(r) && (r.tags.includes('c') || r.tags.includes('d'))],
        [{ site: 's1', deleted: false, tags: { $all: ['a', 'b'] } }, (r) => live(r) && r.tags.includes('a') && r.tags.includes('b')],
        [{ $and: [{ site: 's1', deleted: false }, { name: { $regex: '^al', $options: 'i' } }] }, (r) => live(r) && /^al/i.test(r.name)],
        [{ site: 's1', deleted: false, name: { $regex: '^Alm', $options: 'i' } }, (r) => live(r) && /^alm/i.test(r.name)],
        [{ site: 's1', deleted: false, name: 'Édith' }, (r) => live(r) && r.name === 'Édith'],
        [{ site: 's2', deleted: false, $or: [{ tags: 'd' }, { name: 'Ken' }] }, (r) => r.site === 's2' && !r.deleted && (r.tags.includes('d') || r.name === 'Ken')],
        [{ site: 's1', deleted: true }, (r) => r.site === 's1' && r.deleted],
        // an array (tags) on a path of an ordering index that the filter does not pin
        [{ site: 's1', tags: 'd' }, (r) => r.site === 's1' && r.tags.includes('d')],
      ];
      const sorts: SortSpec[] = [{ created: -1, seq: -1 }, { created: 1, seq: 1 }, { name: 1, seq: -1 }];
      for (const [filter, predicate] of cases) {
        const matching = [...expected.values()].filter(predicate);
        expect(await rows.countDocuments(filter)).toBe(matching.length);
        for (const sort of sorts) {
          const [[first, direction], [, tieDirection]] = Object.entries(sort);
          const ordered = [...matching].sort((x, y) => {
            const a = x[first as keyof Row] as string;
            const b = y[first as keyof Row] as string;
            return a !== b ? (a < b ? -direction : direction) : (x.seq - y.seq) * tieDirection;
          });
          for (const skip of [0, 37, 900]) {
            const page = await rows.findPage(filter, { sort, skip, limit: 25, readOnly: true });
            expect({ filter, sort, skip, total: page.total, ids: ids(page.docs) }).toEqual({ filter, sort, skip, total: matching.length, ids: ids(ordered.slice(skip, skip + 25)) });
          }
        }
      }
      await rows.drop();
    }, 120_000);

    it('keeps MongoDB semantics where an index could be tempted to shortcut them', async () => {
      await people.createIndexes([
        { keys: { siteId: 1, 'name.first': 1 }, name: 'site_first' },
        { keys: { siteId: 1, createdDate: 1, tags: 1 }, name: 'site_created_tags', sortOnly: true },
      ]);
      await people.insertOne({ _id: 'p5', siteId: 's1', name: { first: 'x\nAda' }, tags: ['vip', 'math', 'x'], createdDate: '2025-12-31T00:00:00.000Z' });
      const sorted = { sort: { _id: 1 as const } };
      // with `m`, ^ also matches after a newline: the first characters do not decide
      expect(ids(await people.find({ 'name.first': { $regex: '^Ada', $options: 'm' } }, sorted))).toEqual(['p1', 'p4', 'p5']);
      expect(await people.countDocuments({ 'name.first': { $regex: '^ada', $options: 'im' } })).toBe(3);
      // a document with an array on a path the filter does not pin comes back once
      const page = await people.findPage({ siteId: 's1', tags: 'vip' }, { sort: { createdDate: 1 }, skip: 0, limit: 10 });
      expect(ids(page.docs)).toEqual(['p5', 'p1']);
      expect(page.total).toBe(2);
      // counts agree with finds
      for (const filter of [{ tags: { $all: ['vip'] } }, { siteId: { $all: ['s1'] } }, { _id: { $in: ['p1', 'p1', 'p2'] } }]) {
        expect(await people.countDocuments(filter)).toBe((await people.find(filter)).length);
      }
    });

    it('evaluates long lists and many conditions as the query language says, arrays, nulls and missing fields included', async () => {
      await people.createIndexes([{ keys: { siteId: 1, 'name.first': 1 }, name: 'site_first' }]);
      await people.insertOne({ _id: 'p5', siteId: 's1', name: { first: 'Nil', last: null } as unknown as Person['name'], age: '36' as unknown as number, tags: ['x'], createdDate: '2026-01-05T00:00:00.000Z' });
      const sorted = { sort: { _id: 1 as const } };
      const many = Array.from({ length: 1_000 }, (_, i) => 100 + i);
      const cases: [Record<string, unknown>, string[]][] = [
        [{ age: { $in: [...many, 36] } }, ['p1']],
        [{ age: { $in: [...many, null] } }, ['p3']],
        [{ age: { $nin: [...many, 36, null] } }, ['p2', 'p4', 'p5']],
        [{ 'name.last': { $in: ['Hopper', null] } }, ['p2', 'p3', 'p4', 'p5']],
        [{ 'name.last': { $nin: [null] } }, ['p1', 'p3']],
        [{ tags: { $in: ['x', 'nope'] } }, ['p5']],
        [{ tags: { $nin: ['math'] } }, ['p3', 'p4', 'p5']],
        [{ siteId: 's1', 'name.first': { $in: ['Ada', 'grace', 'Nil'] }, age: { $nin: ['36'] } }, ['p1', 'p3']],
        [{ $or: [...many.map((age) => ({ age })), { 'name.first': 'Alan' }, { tags: 'x' }] }, ['p2', 'p5']],
        [{ $or: [{ age: { $gte: 40 } }, { age: { $lt: 30 } }, { 'name.last': null }] }, ['p2', 'p4', 'p5']],
        [{ $nor: [{ age: { $gt: 30 } }, { tags: 'vip' }] }, ['p3', 'p5']],
        [{ $and: [{ siteId: 's1' }, { $or: [{ age: { $exists: false } }, { createdDate: { $lte: '2026-01-01T00:00:00.000Z' } }] }] }, ['p1', 'p3']],
        [{ age: { $ne: 36 }, 'name.last': { $exists: true } }, ['p3', 'p5']],
        [{ age: { $gt: '3' } }, ['p5']],
        [{ name: { first: 'Alan' } }, ['p2']],
        [{ 'name.first': { $ne: null }, tags: { $exists: true, $ne: [] } }, ['p1', 'p2', 'p4', 'p5']],
        [{ $or: [{ 'name.first': { $regex: '^gr', $options: 'i' } }, { 'name.first': { $regex: '^AL', $options: 'i' } }, { 'name.first': { $regex: '^Ni' } }] }, ['p2', 'p3', 'p5']],
        [{ $and: [{ age: { $ne: 36 } }, { age: { $ne: 41 } }, { age: { $nin: [20] } }] }, ['p3', 'p5']],
        [{ tags: { $regex: '^ma' } }, ['p1', 'p2']],
        [{ tags: { $gte: 'v' } }, ['p1', 'p4', 'p5']],
        [{ tags: { $all: ['vip'] }, $nor: [{ 'name.first': 'Ada', siteId: 's2' }] }, ['p1']],
      ];
      for (const [filter, expected] of cases) {
        expect({ filter, found: ids(await people.find(filter, sorted)) }).toEqual({ filter, found: expected });
        expect({ filter, count: await people.countDocuments(filter) }).toEqual({ filter, count: expected.length });
        const page = await people.findPage(filter, { sort: { _id: 1 }, skip: 0, limit: 10 });
        expect({ filter, page: ids(page.docs), total: page.total }).toEqual({ filter, page: expected, total: expected.length });
      }
    });

    describe('names of Object.prototype members are fields like any other, missing unless a document has them', () => {
      const all = ['p1', 'p2', 'p3', 'p4'];
      const sorted = { sort: { _id: 1 as const } };
      // As a request body would carry it: JSON.parse makes `__proto__` an own key.
      const protoFilter = (condition: string) => JSON.parse(`{"__proto__": ${condition}}`);

      const expectMissingFieldSemantics = async () => {
        for (const filter of [{ constructor: 'nobody' }, { toString: 'x' }, { hasOwnProperty: 'x' }, { valueOf: { $in: ['x', 'y'] } }, protoFilter('{"x": 1}')]) {
          expect(ids(await people.find(filter))).toEqual([]);
          expect(await people.countDocuments(filter)).toBe(0);
          expect(await people.findPage(filter, { sort: { _id: 1 }, skip: 0, limit: 10 })).toEqual({ docs: [], total: 0 });
          expect(ids(await people.find({ siteId: 's1', ...filter }))).toEqual([]);
        }
        for (const filter of [{ constructor: { $exists: true } }, { 'name.toString': { $exists: true } }, { 'tags.length': 1 }, protoFilter('{"$exists": true}')]) {
          expect(ids(await people.find(filter))).toEqual([]);
          expect(await people.countDocuments(filter)).toBe(0);
        }
        for (const filter of [{ constructor: { $exists: false } }, { $nor: [{ constructor: 'x' }] }, { toString: { $ne: 'x' } }, { constructor: null }, protoFilter('{"$exists": false}')]) {
          expect(ids(await people.find(filter, sorted))).toEqual(all);
          expect(await people.countDocuments(filter)).toBe(4);
        }
        // sorting on a missing field leaves the order to the next key
        expect(ids(await people.find({}, { sort: { constructor: 1 as const, _id: -1 } }))).toEqual([...all].reverse());
        expect(ids((await people.findPage({ siteId: 's1' }, { sort: { toString: -1 as const, _id: 1 }, skip: 0, limit: 10 })).docs)).toEqual(['p1', 'p2', 'p3']);
        expect(await people.find({ _id: 'p1' }, { projection: { constructor: 1 as const, 'name.first': 1 } })).toEqual([{ _id: 'p1', name: { first: 'Ada' } }]);
        expect((await people.deleteMany({ constructor: 'nobody' })).deletedCount).toBe(0);
        expect((await people.updateMany({ toString: { $ne: null } }, { $set: { age: 1 } })).matchedCount).toBe(0);
        expect(await people.countDocuments({})).toBe(4);
      };

      it('in filters, sorts and projections', expectMissingFieldSemantics);

      it('with lookup and ordering indexes on the paths', async () => {
        await people.createIndexes([
          { keys: { siteId: 1, constructor: 1 as const }, name: 'site_constructor' },
          { keys: { siteId: 1, 'name.toString': 1 }, name: 'site_name_to_string' },
          { keys: { siteId: 1, constructor: 1 as const, _id: 1 }, name: 'site_constructor_order', sortOnly: true },
        ]);
        await expectMissingFieldSemantics();
        expect(ids(await people.find({ siteId: 's1', constructor: { $in: [null] } }, sorted))).toEqual(['p1', 'p2', 'p3']);
      });

      it("and a document's own fields of those names are found, set and projected", async () => {
        await people.insertOne({ _id: 'p5', siteId: 's1', name: { first: 'Own', constructor: 'mine' } as Person['name'], tags: [], createdDate: '2026-01-05T00:00:00.000Z', toString: 'text' } as Person);
        await people.updateOne({ _id: 'p2' }, { $set: { 'name.constructor': 'set', 'valueOf.deep': 1 } });
        expect(ids(await people.find({ 'name.constructor': { $exists: true } }, sorted))).toEqual(['p2', 'p5']);
        expect(ids(await people.find({ 'name.constructor': 'mine' }))).toEqual(['p5']);
        expect(ids(await people.find({ toString: { $in: ['text'] } }))).toEqual(['p5']);
        expect(await people.countDocuments({ 'valueOf.deep': 1 })).toBe(1);
        expect(await people.findOne({ _id: 'p2' })).toMatchObject({ valueOf: { deep: 1 } });
        expect(await people.find({ _id: 'p5' }, { projection: { toString: 1 as const } })).toEqual([{ _id: 'p5', toString: 'text' }]);
        expect(ids(await people.find({ siteId: 's1' }, { sort: { toString: -1 as const, _id: 1 } }))).toEqual(['p5', 'p1', 'p2', 'p3']);
      });

      it('and a `__proto__` field is data, never a prototype', async () => {
        await people.insertOne(JSON.parse('{"_id": "p5", "siteId": "s1", "name": {"first": "Proto"}, "tags": [], "createdDate": "x", "__proto__": {"polluted": true}}'));
        expect(ids(await people.find(protoFilter('{"polluted": true}')))).toEqual(['p5']);
        expect(ids(await people.find({ '__proto__.polluted': true }))).toEqual(['p5']);
        expect(ids(await people.find({ polluted: true }))).toEqual([]);
        const found = (await people.findOne({ _id: 'p5' })) as unknown as Record<string, unknown>;
        expect(found.polluted).toBeUndefined(); // it would come through a prototype
        expect(Object.hasOwn(found, '__proto__')).toBe(true);
        await people.updateOne({ _id: 'p1' }, { $set: { '__proto__.polluted': 'set' } });
        expect(ids(await people.find({ '__proto__.polluted': { $exists: true } }, sorted))).toEqual(['p1', 'p5']);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    });

    it('renames a collection over another, which then holds the renamed documents', async () => {
      const target = `people_${randomUUID().replace(/-/g, '')}`;
      await store.collection<Person>(target).insertOne({ _id: 'old', siteId: 's9', name: { first: 'Old' }, tags: [], createdDate: 'x' });
      await people.renameTo(target);
      const renamed = store.collection<Person>(target);
      expect(ids(await renamed.find({}, { sort: { _id: 1 } }))).toEqual(['p1', 'p2', 'p3', 'p4']);
      people = renamed; // dropped in afterEach
    });

    it('returns copies, not live references', async () => {
      const doc = await people.findOne({ _id: 'p1' });
      doc!.name.first = 'Mutated';
      expect((await people.findOne({ _id: 'p1' }))?.name.first).toBe('Ada');
    });
  });
}
