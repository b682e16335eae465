import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  Document,
  DuplicateKeyError,
  Filter,
  FindOptions,
  IndexSpec,
  PageOptions,
  ReadCollection,
  ReadOnly,
  ReplaceOptions,
  ReadStore,
  ScanOptions,
  SortSpec,
  UpdateResult,
  UpdateSpec,
} from './read-store.port';
import { FieldIndex, requiredConditions } from './embedded-index';
import { OrderIndex, OrderWalker } from './embedded-order';
import { FilterPlan } from './embedded-plan';
import { findOwnFields } from './embedded-own-fields';
import { valueAt } from './embedded-values';
import { applyUpdate, idOnly, sortPage, upsertedDocument } from './documents';

/**
 * The embedded read store: documents in memory, MongoDB query and update semantics from mingo.
 * Read models are rebuilt from the event store at start, so nothing here needs to be durable.
 * Paths reach a document's own fields only, as in MongoDB (see embedded-own-fields.ts).
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

  /** Nothing is on file. */
  async purge(): Promise<void> {}

  async close(): Promise<void> {}
}

class EmbeddedCollection<T extends Document> implements ReadCollection<T> {
  private docs = new Map<string, T>();
  private readonly uniqueIndexes: IndexSpec[] = [];
  /** Secondary indexes by field path, from createIndexes (every key of every lookup index). */
  private readonly fieldIndexes = new Map<string, FieldIndex>();
  /** Ordering indexes, from the indexes that serve sorting only. */
  private readonly orderIndexes: OrderIndex[] = [];
  /** Dense numbers for the stored documents, reused after deletes: the positions in the indexes' bitmaps. */
  private readonly slots = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private readonly slotOf = (id: string): number | undefined => this.slots.get(id);

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

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection'> & ReadOnly = {}): Promise<T | null> {
    const id = idOnly(filter);
    if (id !== undefined && !options.projection) {
      // The projections' and Get Contact's hot path: a lookup by id needs no query engine.
      const doc = this.docs.get(id);
      return doc ? (options.readOnly ? doc : structuredClone(doc)) : null;
    }
    const [found] = await this.find(filter, { projection: options.projection, limit: 1 });
    return found ?? null;
  }

  async find(filter: Filter, options: FindOptions & ReadOnly = {}): Promise<T[]> {
    const plan = this.plan(filter);
    const walked = options.sort && options.limit ? this.walkedPage(filter, plan, { sort: options.sort, skip: options.skip ?? 0, limit: options.limit }) : undefined;
    if (walked) return options.readOnly && !options.projection ? walked : structuredClone(findOwnFields(walked, {}, { projection: options.projection }));
    // The plan picks the matches; the query engine only sorts and projects them.
    const matches = this.matches(filter, plan);
    const { readOnly, ...shaping } = options;
    const plain = !shaping.sort && !shaping.projection && !shaping.skip && !shaping.limit;
    if (readOnly && plain) return matches; // a projection's look-up: the documents as stored, never changed in place
    return structuredClone(findOwnFields(matches, {}, shaping));
  }

  /**
   * The total from the index bitmaps when they decide the filter, otherwise from one pass over
   * the candidates. The page from walking an ordering index in sort order (see pageInOrder), or
   * else from sorting the matches (a plain comparator on the sort keys, MongoDB's order for
   * missing values).
   */
  async findPage(filter: Filter, options: PageOptions): Promise<{ docs: T[]; total: number }> {
    const plan = this.plan(filter);
    const counted = plan.countFromIndexes(this.docs.size);
    let matches: T[] | undefined;
    const total = counted ?? (matches = this.matches(filter, plan)).length;
    const page = (total > 0 && this.pageInOrder(plan, options, total)) || sortPage(matches ?? this.matches(filter, plan), options);
    return { docs: options.readOnly ? page : structuredClone(page), total: Math.min(total, options.countLimit ?? Infinity) };
  }

  private matches(filter: Filter, plan: FilterPlan): T[] {
    const matches: T[] = [];
    for (const doc of this.candidates(filter, plan)) if (plan.matches(doc)) matches.push(doc);
    return matches;
  }

  /**
   * The page from walking the ordering index that pins most of the filter, in sort order, when
   * one fits and walking is expected to be cheaper than sorting the matches. The walk gives up
   * (undefined: sort instead) once it has cost what the sort would: matches bunched at the far
   * end (recent documents that do not match, all at the front) make it slower than expected.
   */
  private pageInOrder(plan: FilterPlan, options: PageOptions, total: number): T[] | undefined {
    const best = this.walkerFor(plan, options.sort);
    if (!best || options.limit <= 0) return undefined;
    // In documents looked at: an even spread of the matches puts the page about wanted × size /
    // total into the walk; sorting the matches costs about total × (1 + log2(total) / 2) of those.
    const sortCost = total * (1 + Math.log2(total + 1) / 2);
    if (((options.skip + options.limit) * this.docs.size) / total > sortCost) return undefined;
    const budget = Math.max(2_000, sortCost);
    const page: T[] = [];
    let skipped = 0;
    let looked = 0;
    for (const [, id] of best.walk()) {
      if (++looked > budget) return undefined;
      const doc = this.docs.get(id);
      if (!doc || !plan.matches(doc)) continue;
      if (skipped < options.skip) skipped++;
      else if (page.push(doc) >= options.limit) break;
    }
    return page;
  }

  /**
   * A sorted, limited find through an ordering index. When index bitmaps decide the filter,
   * as findPage pages. Otherwise the walk starts where the filter's range on the first sort key
   * does (`createdDate ≤ v` walking newest first: a cursor's next page), so a page deep into
   * the order costs what the first one does; it looks at each document at most once, as
   * testing every candidate would.
   */
  private walkedPage(filter: Filter, plan: FilterPlan, options: { sort: SortSpec; skip: number; limit: number }): T[] | undefined {
    const walker = this.walkerFor(plan, options.sort);
    if (!walker) return undefined;
    const counted = plan.countFromIndexes(this.docs.size);
    if (counted !== undefined) return counted === 0 ? [] : this.pageInOrder(plan, options, counted);
    const [firstPath, direction] = Object.entries(options.sort)[0];
    const bound = rangeStart(filter, firstPath, direction);
    const page: T[] = [];
    let skipped = 0;
    for (const [, id] of bound === undefined ? walker.walk() : walker.walkFrom(bound)) {
      const doc = this.docs.get(id);
      if (!doc || !plan.matches(doc)) continue;
      if (skipped < options.skip) skipped++;
      else if (page.push(doc) >= options.limit) break;
    }
    return page;
  }

  /** The ordering index that pins most of the filter and gives `sort`'s order, if any. */
  private walkerFor(plan: FilterPlan, sort: SortSpec): OrderWalker | undefined {
    let best: OrderWalker | undefined;
    for (const index of this.orderIndexes) {
      const walker = index.walker(plan.equalities, sort);
      if (walker && (!best || walker.pinned > best.pinned)) best = walker;
    }
    return best;
  }

  /**
   * Walks an ordering index in sort order, `batchSize` entries a turn, and goes on from the last
   * key after each pause, so writes in between are safe. Without a fitting index, the matches
   * are sorted in one turn (no query of ours scans that way).
   */
  async *scan(filter: Filter, options: ScanOptions): AsyncIterable<T[]> {
    const plan = this.plan(filter);
    const walker = this.walkerFor(plan, options.sort);
    if (!walker) {
      const sorted = sortPage(this.matches(filter, plan), { sort: options.sort, skip: 0, limit: Number.MAX_SAFE_INTEGER });
      for (let start = 0; start < sorted.length; start += options.batchSize) yield sorted.slice(start, start + options.batchSize);
      return;
    }
    let after: unknown[] | undefined;
    for (;;) {
      const batch: T[] = [];
      let looked = 0;
      for (const [key, id] of walker.walk(after)) {
        after = key;
        const doc = this.docs.get(id);
        if (doc && plan.matches(doc)) batch.push(doc);
        if (++looked >= options.batchSize) break;
      }
      if (batch.length > 0) yield batch;
      if (looked < options.batchSize) return;
      await nextTurn();
    }
  }

  async countDocuments(filter: Filter): Promise<number> {
    const plan = this.plan(filter);
    const counted = plan.countFromIndexes(this.docs.size);
    if (counted !== undefined) return counted;
    let count = 0;
    for (const doc of this.candidates(filter, plan)) if (plan.matches(doc)) count++;
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
    this.store(upsertedDocument<T>(filter, update), undefined);
    return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1 };
  }

  async updateMany(filter: Filter, update: UpdateSpec): Promise<UpdateResult> {
    const plan = this.plan(filter);
    let matchedCount = 0;
    let modifiedCount = 0;
    for (const doc of [...this.candidates(filter, plan)]) {
      if (!plan.matches(doc)) continue;
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
    const plan = this.plan(filter);
    let deletedCount = 0;
    for (const doc of [...this.candidates(filter, plan)]) {
      if (plan.matches(doc)) {
        this.unstore(doc._id);
        deletedCount++;
      }
    }
    return { deletedCount };
  }

  async createIndexes(indexes: IndexSpec[]): Promise<void> {
    for (const index of indexes) {
      if (index.unique) this.uniqueIndexes.push(index);
      if (index.sortOnly) {
        this.addOrderIndex(Object.keys(index.keys));
        continue;
      }
      for (const path of Object.keys(index.keys)) {
        if (this.fieldIndexes.has(path)) continue;
        const fieldIndex = new FieldIndex(path, this.slotOf);
        for (const doc of this.docs.values()) fieldIndex.set(doc._id, doc, undefined);
        this.fieldIndexes.set(path, fieldIndex);
      }
    }
  }

  private addOrderIndex(paths: string[]): void {
    if (this.orderIndexes.some((index) => index.paths.join() === paths.join())) return;
    const index = new OrderIndex(paths);
    for (const doc of this.docs.values()) index.set(doc._id, doc, undefined);
    this.orderIndexes.push(index);
  }

  async drop(): Promise<void> {
    this.docs = new Map();
    this.slots.clear();
    this.freeSlots.length = 0;
    for (const index of this.fieldIndexes.values()) index.clear();
    for (const index of this.orderIndexes) index.clear();
  }

  private plan(filter: Filter): FilterPlan {
    return new FilterPlan(filter, this.fieldIndexes);
  }

  /**
   * The documents a filter can match: by `_id`, or those in the smallest index set of its plan;
   * otherwise all of them.
   */
  private candidates(filter: Filter, plan: FilterPlan | undefined): Iterable<T> {
    const id = filter._id;
    if (typeof id === 'string') {
      const doc = this.docs.get(id);
      return doc ? [doc] : [];
    }
    const ids = (id as { $in?: unknown } | undefined)?.$in;
    if (Array.isArray(ids)) return [...new Set(ids.map(String))].map((value) => this.docs.get(value)).filter((doc): doc is T => doc !== undefined);
    const narrowest = plan?.narrowest;
    if (!narrowest) return this.docs.values();
    return this.docsOf(narrowest);
  }

  private *docsOf(ids: Iterable<string>): Iterable<T> {
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (doc) yield doc;
    }
  }

  private firstMatch(filter: Filter): T | undefined {
    const id = idOnly(filter);
    if (id !== undefined) return this.docs.get(id);
    const plan = this.plan(filter);
    for (const doc of this.candidates(filter, plan)) if (plan.matches(doc)) return doc;
    return undefined;
  }

  /** Applies the operators to `draft`, then stores it in place of `previous`; false when nothing changed. */
  private applyUpdate(draft: T, update: UpdateSpec, previous: T): boolean {
    const changed = applyUpdate(draft, update);
    if (changed) this.store(draft, previous);
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
    if (!this.slots.has(doc._id)) this.slots.set(doc._id, this.freeSlots.pop() ?? this.slots.size);
    const before = this.docs.get(doc._id);
    this.docs.set(doc._id, doc);
    for (const index of this.fieldIndexes.values()) index.set(doc._id, doc, before);
    for (const index of this.orderIndexes) index.set(doc._id, doc, before);
  }

  private unstore(id: string): void {
    const doc = this.docs.get(id);
    if (!doc) return;
    this.docs.delete(id);
    for (const index of this.fieldIndexes.values()) index.remove(id, doc);
    for (const index of this.orderIndexes) index.remove(id, doc);
    const slot = this.slots.get(id);
    if (slot !== undefined) {
      this.slots.delete(id);
      this.freeSlots.push(slot);
    }
  }
}

function indexKey(doc: Document, index: IndexSpec): string | undefined {
  const values = Object.keys(index.keys).map((path) => valueAt(doc, path));
  return values.every((v) => v === undefined) ? undefined : JSON.stringify(values);
}

/**
 * Where a required condition on `path` starts a walk in `direction`: the bound of a range
 * (`$lte`/`$lt` descending, `$gte`/`$gt` ascending), or null for `path: null` (the group of
 * missing values, which a keyset page reads last when descending: without it, the walk would
 * pass every value first).
 */
function rangeStart(filter: Filter, path: string, direction: 1 | -1): string | number | null | undefined {
  for (const [conditionPath, condition] of requiredConditions(filter).conditions) {
    if (conditionPath !== path) continue;
    if (condition === null) return null;
    if (typeof condition !== 'object') continue;
    const operators = condition as Record<string, unknown>;
    for (const operator of direction === 1 ? ['$gte', '$gt'] : ['$lte', '$lt']) {
      const value = operators[operator];
      if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
    }
  }
  return undefined;
}
