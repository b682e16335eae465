import { Query } from 'mingo';
import { compileFilter } from './sqlite-filter';
import { PathShapes } from './sqlite-shapes';
import { SqliteReadStore } from './sqlite-read-store';
import { Document, Filter } from './read-store.port';

/**
 * The SQLite store against mingo as the oracle: random documents of every shape the compiler
 * distinguishes (scalars of each type, nulls, missing fields, arrays of scalars and of objects,
 * subdocuments) and random filters of the operators it compiles, the store's answer compared
 * with mingo's for each. Seeded, so a failure repeats; the seed is in the failure's message.
 */
const SEEDS = [1, 2, 3];
const DOCS = 300;
const FILTERS = 400;

function random(seed: number) {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <V>(values: readonly V[]): V => values[Math.floor(next() * values.length)];
  return { next, pick, int: (n: number) => Math.floor(next() * n) };
}

// With letters that match ASCII ones case-insensitively or look as if they might (ſ /s/iu, the Kelvin sign /k/iu; ı matches no i).
const STRINGS = ['a', 'ab', 'abc', 'B', 'b', 'Ada', 'ada', 'Édith', '', '1', '36', 'x\nAda', 'true', 'Isa', 'ısa', 'ſki', 'Ski', '\u212aim', 'kim'];
const NUMBERS = [0, 1, 2, 36, -5, 2.5, 100];
const SCALARS: readonly (string | number | boolean | null)[] = [...STRINGS, ...NUMBERS, true, false, null];
const PATHS = ['s', 'n', 'b', 'mixed', 'tags', 'sub.k', 'sub.m', 'objs.k', 'deep.a.b', '_id'];

function randomDocument(r: ReturnType<typeof random>, i: number): Document {
  const doc: Document = { _id: `d${i}` };
  const maybe = (key: string, value: () => unknown) => {
    if (r.next() < 0.8) doc[key] = value();
  };
  maybe('s', () => (r.next() < 0.1 ? null : r.pick(STRINGS)));
  maybe('n', () => r.pick(NUMBERS));
  maybe('b', () => r.next() < 0.5);
  maybe('mixed', () => r.pick([...SCALARS, [r.pick(SCALARS), r.pick(SCALARS)], { k: r.pick(STRINGS) }, []]));
  maybe('tags', () => (r.next() < 0.15 ? r.pick(STRINGS) : Array.from({ length: r.int(4) }, () => r.pick(r.next() < 0.8 ? STRINGS : SCALARS))));
  maybe('sub', () => (r.next() < 0.1 ? r.pick(SCALARS) : { k: r.pick(SCALARS), ...(r.next() < 0.5 ? { m: [r.pick(STRINGS)] } : {}) }));
  maybe('objs', () => Array.from({ length: r.int(3) }, () => ({ k: r.pick(SCALARS) })));
  maybe('deep', () => ({ a: r.next() < 0.2 ? [{ b: r.pick(SCALARS) }] : { b: r.pick(SCALARS) } }));
  return doc;
}

function randomCondition(r: ReturnType<typeof random>, path: string, depth: number): unknown {
  const scalar = () => (path === '_id' && r.next() < 0.7 ? `d${r.int(DOCS)}` : r.pick(SCALARS));
  const list = () => Array.from({ length: 1 + r.int(4) }, scalar);
  const bound = () => (r.next() < 0.5 ? r.pick(STRINGS) : r.pick(NUMBERS));
  switch (r.int(depth > 0 ? 12 : 11)) {
    case 0:
      return scalar();
    case 1:
      return { $eq: scalar() };
    case 2:
      return { $ne: scalar() };
    case 3:
      return { $in: list() };
    case 4:
      return { $nin: list() };
    case 5:
      return { $exists: r.next() < 0.5 };
    case 6:
      return { [r.pick(['$gt', '$gte', '$lt', '$lte'])]: bound(), ...(r.next() < 0.3 ? { [r.pick(['$gt', '$gte', '$lt', '$lte'])]: bound() } : {}) };
    case 7:
      return { $all: list().slice(0, 2) };
    case 8:
      return { $regex: r.pick(['^a', '^A', 'b', '^ab', '^Ad', 'a$', '^', '^x|Ed', '^AB', '^é', '^1', '^a\\.', '^is', '^IS', '^sk', '^k', '^Ki']), ...(r.next() < 0.4 ? { $options: r.pick(['i', 'm', 'im', 's', 'iu', 'u']) } : {}) };
    case 9:
      return r.pick([{ k: r.pick(STRINGS) }, [r.pick(STRINGS)], { $size: 1 }, { $elemMatch: { k: r.pick(STRINGS) } }]);
    case 10:
      return { $exists: true, $ne: scalar() };
    default:
      return { $not: randomCondition(r, path, depth - 1) as object };
  }
}

function randomFilter(r: ReturnType<typeof random>, depth = 2): Filter {
  const filter: Filter = {};
  const parts = 1 + r.int(2);
  for (let i = 0; i < parts; i++) {
    if (depth > 0 && r.next() < 0.25) {
      const operator = r.pick(['$and', '$or', '$nor']);
      filter[operator] = Array.from({ length: 1 + r.int(3) }, () => randomFilter(r, depth - 1));
    } else {
      const path = r.pick(PATHS);
      let condition = randomCondition(r, path, 1);
      // $not takes operators only: mingo refuses a bare value there.
      if (isNotOfValue(condition)) condition = { $not: { $eq: 'a' } };
      filter[path] = condition;
    }
  }
  return filter;
}

function isNotOfValue(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null || !('$not' in condition)) return false;
  const inner = (condition as { $not: unknown }).$not;
  return typeof inner !== 'object' || inner === null || Array.isArray(inner) || !Object.keys(inner).some((key) => key.startsWith('$'));
}

describe('SQLite read store: filters agree with mingo on random documents and filters', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}`, async () => {
      const r = random(seed);
      const store = new SqliteReadStore(':memory:');
      const collection = store.collection('random');
      const docs = Array.from({ length: DOCS }, (_, i) => randomDocument(r, i));
      // Indexed before the writes on odd seeds, after them on even ones: multikey rows made as documents come, or all at once.
      const indexes = [{ keys: { s: 1, n: 1 }, name: 's_n', caseInsensitive: ['s'] }, { keys: { tags: 1, b: 1 }, name: 'tags' }, { keys: { mixed: 1 }, name: 'mixed' }];
      if (seed % 2 === 1) await collection.createIndexes(indexes);
      for (const doc of docs) await collection.insertOne(doc);
      if (seed % 2 === 0) await collection.createIndexes(indexes);
      // Writes after indexing change and remove multikey rows.
      for (let i = 0; i < 60; i++) {
        const at = r.int(docs.length);
        if (r.next() < 0.3) {
          await collection.deleteOne({ _id: docs[at]._id });
          docs.splice(at, 1);
        } else {
          const replacement = { ...randomDocument(r, 0), _id: docs[at]._id };
          await collection.replaceOne({ _id: replacement._id }, replacement);
          docs[at] = replacement;
        }
      }
      const shapes = new PathShapes();
      for (const doc of docs) shapes.observe(doc);
      let exact = 0;
      let compared = 0;
      for (let i = 0; i < FILTERS; i++) {
        const filter = randomFilter(r);
        let expected: string[];
        try {
          const query = new Query(filter);
          expected = docs.filter((doc) => query.test(doc)).map((doc) => doc._id).sort();
        } catch {
          continue; // a filter mingo refuses is no case
        }
        compared++;
        if (compileFilter(filter, shapes).exact) exact++;
        const found = (await collection.find(filter)).map((doc) => doc._id).sort();
        const count = await collection.countDocuments(filter);
        const page = await collection.findPage(filter, { sort: { _id: 1 }, skip: 1, limit: 7 });
        expect({ seed, filter, found }).toEqual({ seed, filter, found: expected });
        expect({ seed, filter, count }).toEqual({ seed, filter, count: expected.length });
        expect({ seed, filter, page: page.docs.map((doc) => doc._id), total: page.total }).toEqual({ seed, filter, page: expected.slice(1, 8), total: expected.length });
      }
      // Most random filters compile exactly, so this compares the SQL, not only the fallback.
      expect(compared).toBeGreaterThan(FILTERS * 0.9);
      expect(exact / compared).toBeGreaterThan(0.5);
      await store.close();
    }, 60_000);
  }
});
