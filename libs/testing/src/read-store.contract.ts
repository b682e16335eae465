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
