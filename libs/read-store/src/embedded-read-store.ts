import { find as mingoFind, Query, update as mingoUpdate } from 'mingo';
import {
  Document,
  DuplicateKeyError,
  Filter,
  FindOptions,
  IndexSpec,
  PageOptions,
  ReadCollection,
  ReplaceOptions,
  ReadStore,
  UpdateResult,
  UpdateSpec,
} from './read-store.port';
import { FieldIndex, requiredConditions } from './embedded-index';

/**
 * The embedded read store: documents in memory, MongoDB query and update semantics from mingo.
 * Read models are rebuilt from the event store at start, so nothing here needs to be durable.
 */
export class EmbeddedReadStore implements ReadStore {
  private readonly collections = new Map<string, EmbeddedCollection<Document>>();

  collection<T extends Document = Document>(name: string): ReadCollection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new EmbeddedCollection(name, (from, to) => this.rename(from, to));
      this.collections.set(name, collection);
    }
    return collection as unknown as ReadCollection<T>;
  }

  private rename(from: string, to: string): void {
    const collection = this.collections.get(from);
    if (!collection) return;
    this.collections.delete(from);
    collection.name = to;
    this.collections.set(to, collection);
  }

  async listCollections(): Promise<string[]> {
    return [...this.collections.entries()].filter(([, c]) => c.size > 0).map(([name]) => name);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

class EmbeddedCollection<T extends Document> implements ReadCollection<T> {
  private docs = new Map<string, T>();
  private readonly uniqueIndexes: IndexSpec[] = [];
  /** Secondary indexes by field path, from createIndexes (every key of every index). */
  private readonly fieldIndexes = new Map<string, FieldIndex>();

  constructor(
    public name: string,
    private readonly onRename: (from: string, to: string) => void,
  ) {}

  async renameTo(name: string): Promise<void> {
    this.onRename(this.name, name);
  }

  get size(): number {
    return this.docs.size;
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection'> = {}): Promise<T | null> {
    const id = idOnly(filter);
    if (id !== undefined && !options.projection) {
      // The projections' hot path: a lookup by id needs no query engine.
      const doc = this.docs.get(id);
      return doc ? structuredClone(doc) : null;
    }
    const [found] = await this.find(filter, { ...options, limit: 1 });
    return found ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let cursor = mingoFind(this.candidates(filter), filter, options.projection);
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return structuredClone(cursor.all() as T[]);
  }

  /**
   * One pass over the candidates: each is tested once, the matches counted, and only they are
   * sorted (a plain comparator on the sort keys, MongoDB's order for missing values).
   */
  async findPage(filter: Filter, options: PageOptions): Promise<{ docs: T[]; total: number }> {
    const query = new Query(filter);
    const matches: T[] = [];
    for (const doc of this.candidates(filter)) if (query.test(doc)) matches.push(doc);
    const keys = Object.entries(options.sort);
    const keyed = matches.map((doc) => ({ doc, values: keys.map(([path]) => valueAt(doc, path)) }));
    keyed.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const order = compareValues(a.values[i], b.values[i]);
        if (order !== 0) return order * keys[i][1];
      }
      return 0;
    });
    const page = keyed.slice(options.skip, options.skip + options.limit).map((entry) => entry.doc);
    return { docs: structuredClone(page), total: matches.length };
  }

  async countDocuments(filter: Filter): Promise<number> {
    const query = new Query(filter);
    let count = 0;
    for (const doc of this.candidates(filter)) if (query.test(doc)) count++;
    return count;
  }

  async insertOne(doc: T): Promise<void> {
    if (this.docs.has(doc._id)) throw new DuplicateKeyError(this.name, '_id_');
    this.store(structuredClone(doc), undefined);
  }

  async replaceOne(filter: Filter, doc: T, options: ReplaceOptions = {}): Promise<UpdateResult> {
    const existing = this.firstMatch(filter);
    const copy = options.owned ? doc : structuredClone(doc);
    if (!existing) {
      if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
      this.store(copy, undefined);
      return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1 };
    }
    this.store({ ...copy, _id: existing._id }, existing);
    return { matchedCount: 1, modifiedCount: 1, upsertedCount: 0 };
  }

  async updateOne(filter: Filter, update: UpdateSpec, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const existing = this.firstMatch(filter);
    if (existing) {
      const changed = this.applyUpdate(structuredClone(existing), update, existing);
      return { matchedCount: 1, modifiedCount: changed ? 1 : 0, upsertedCount: 0 };
    }
    if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
    const seed = equalityFields(filter) as T;
    const { $setOnInsert, ...rest } = update;
    const inserted = { ...seed, ...(structuredClone($setOnInsert) ?? {}) } as T;
    this.applyUpdate(inserted, rest, undefined);
    return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1 };
  }

  async updateMany(filter: Filter, update: UpdateSpec): Promise<UpdateResult> {
    const query = new Query(filter);
    let matchedCount = 0;
    let modifiedCount = 0;
    for (const doc of [...this.candidates(filter)]) {
      if (!query.test(doc)) continue;
      matchedCount++;
      if (this.applyUpdate(structuredClone(doc), update, doc)) modifiedCount++;
    }
    return { matchedCount, modifiedCount, upsertedCount: 0 };
  }

  async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    const existing = this.firstMatch(filter);
    if (!existing) return { deletedCount: 0 };
    this.unstore(existing._id);
    return { deletedCount: 1 };
  }

  async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    const query = new Query(filter);
    let deletedCount = 0;
    for (const doc of [...this.candidates(filter)]) {
      if (query.test(doc)) {
        this.unstore(doc._id);
        deletedCount++;
      }
    }
    return { deletedCount };
  }

  async createIndexes(indexes: IndexSpec[]): Promise<void> {
    for (const index of indexes) {
      if (index.unique) this.uniqueIndexes.push(index);
      if (index.sortOnly) continue;
      for (const path of Object.keys(index.keys)) {
        if (this.fieldIndexes.has(path)) continue;
        const fieldIndex = new FieldIndex(path);
        for (const doc of this.docs.values()) fieldIndex.set(doc._id, doc);
        this.fieldIndexes.set(path, fieldIndex);
      }
    }
  }

  async drop(): Promise<void> {
    this.docs = new Map();
    for (const index of this.fieldIndexes.values()) index.clear();
  }

  /**
   * The documents a filter can match: by `_id`, or through the smallest candidate set a
   * secondary index gives for one of the filter's required conditions; otherwise all of them.
   */
  private candidates(filter: Filter): Iterable<T> {
    const id = filter._id;
    if (typeof id === 'string') {
      const doc = this.docs.get(id);
      return doc ? [doc] : [];
    }
    const ids = (id as { $in?: unknown } | undefined)?.$in;
    if (Array.isArray(ids)) return ids.map((value) => this.docs.get(String(value))).filter((doc): doc is T => doc !== undefined);
    let best: Set<string> | undefined;
    for (const [path, condition] of requiredConditions(filter)) {
      const ids = this.fieldIndexes.get(path)?.candidates(condition);
      if (ids && (!best || ids.size < best.size)) best = ids;
    }
    if (!best) return this.docs.values();
    return [...best].map((docId) => this.docs.get(docId)).filter((doc): doc is T => doc !== undefined);
  }

  private firstMatch(filter: Filter): T | undefined {
    const id = idOnly(filter);
    if (id !== undefined) return this.docs.get(id);
    const query = new Query(filter);
    for (const doc of this.candidates(filter)) if (query.test(doc)) return doc;
    return undefined;
  }

  /** Applies the operators to `draft`, then stores it in place of `previous`; false when nothing changed. */
  private applyUpdate(draft: T, update: UpdateSpec, previous: T | undefined): boolean {
    let changed = false;
    for (const [operator, fields] of Object.entries(update)) {
      if (operator === '$setOnInsert' || fields === undefined) continue;
      const paths = mingoUpdate(draft, { [operator]: structuredClone(fields) } as never);
      if (paths.length > 0) changed = true;
    }
    if (changed || !previous) this.store(draft, previous);
    return changed;
  }

  private store(doc: T, previous: T | undefined): void {
    for (const index of this.uniqueIndexes) {
      const key = indexKey(doc, index);
      if (key === undefined) continue;
      for (const other of this.docs.values()) {
        if (other._id !== doc._id && indexKey(other, index) === key) {
          throw new DuplicateKeyError(this.name, index.name ?? Object.keys(index.keys).join('_'));
        }
      }
    }
    if (previous && previous._id !== doc._id) this.unstore(previous._id);
    this.docs.set(doc._id, doc);
    for (const index of this.fieldIndexes.values()) index.set(doc._id, doc);
  }

  private unstore(id: string): void {
    this.docs.delete(id);
    for (const index of this.fieldIndexes.values()) index.remove(id);
  }
}

/** MongoDB's order for the values our read models sort on: missing and null first, then numbers, then strings. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (value: unknown) => (value === undefined || value === null ? 0 : typeof value === 'number' ? 1 : typeof value === 'string' ? 2 : 3);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return Math.sign(byRank);
  if (rank(a) === 0) return 0;
  if (rank(a) === 3) return Math.sign(JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return a! < b! ? -1 : a! > b! ? 1 : 0;
}

/** The id of a filter that is exactly `{ _id: <string> }`. */
function idOnly(filter: Filter): string | undefined {
  const keys = Object.keys(filter);
  return keys.length === 1 && keys[0] === '_id' && typeof filter._id === 'string' ? filter._id : undefined;
}

function valueAt(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], doc);
}

function indexKey(doc: Document, index: IndexSpec): string | undefined {
  const values = Object.keys(index.keys).map((path) => valueAt(doc, path));
  return values.every((v) => v === undefined) ? undefined : JSON.stringify(values);
}

/** The fields an upsert copies from its filter: plain top-level equality conditions. */
function equalityFields(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$') || key.includes('.')) continue;
    const isOperatorObject = typeof value === 'object' && value !== null && Object.keys(value).some((k) => k.startsWith('$'));
    if (!isOperatorObject) seed[key] = structuredClone(value);
  }
  return seed;
}
