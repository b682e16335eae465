import BTree from 'sorted-btree';
import { wholeLiteralPrefix } from './documents';
import { Bitmap } from './embedded-bitmap';
import { Filter } from './read-store.port';
import { ARRAY_ON_PATH, fieldOf, valueAlong } from './embedded-values';

/** The ids an index gives for a condition; `exact` when every one of them meets it (no query test needed). */
export interface IndexLookup {
  ids: Set<string>;
  exact: boolean;
  /** The same ids as a bitmap of document slots, where the index can give one (exact values, not prefixes). */
  bitmap?: () => Bitmap;
}

/** The dense slot number of a stored document (see Bitmap). */
export type SlotOf = (id: string) => number | undefined;

type Primitive = string | number | boolean;

/**
 * A secondary index of the embedded store on one field path: each scalar value (strings, numbers
 * and booleans, compared as `===` like MongoDB's equality) to the ids of the documents holding
 * it. A regex (`$startsWith`, a search word) is tested once on each distinct value it holds,
 * not on each document: a site's first names or search words are far fewer than its contacts;
 * a case-sensitive `^literal` reads the range of its values in a sorted set of them instead,
 * built on the first such query (most paths never get one) and kept up to date from then on.
 */
export class FieldIndex {
  private readonly exact = new Map<Primitive, Set<string>>();
  /** Bitmaps of the large values a count asked for, kept up to date from then on. */
  private readonly bitmaps = new Map<Primitive, Bitmap>();
  private sortedStrings: BTree<string, true> | undefined;
  private readonly keys: string[];
  /** Documents with an array inside an array on this path, which equality does not reach into: lookups only narrow while any exist. */
  private readonly nested = new Set<string>();

  constructor(
    readonly path: string,
    private readonly slotOf: SlotOf,
  ) {
    this.keys = path.split('.');
  }

  /**
   * Indexes a document in place of `previous` (the version stored before, whose values are
   * read again rather than kept: that would double the index's memory). A replaced document
   * whose values here did not change costs nothing.
   */
  set(id: string, doc: unknown, previous: unknown): void {
    const { values, nested } = scalarsAt(doc, this.keys);
    if (previous !== undefined) {
      const before = scalarsAt(previous, this.keys).values;
      if (before.length === values.length && before.every((value, i) => value === values[i])) {
        if (nested) this.nested.add(id);
        else this.nested.delete(id);
        return;
      }
      this.remove(id, previous);
    }
    if (nested) this.nested.add(id);
    const slot = this.slotOf(id);
    for (const value of values) {
      if (this.sortedStrings && typeof value === 'string' && !this.exact.has(value)) this.sortedStrings.set(value, true);
      bucket(this.exact, value).add(id);
      if (slot !== undefined) this.bitmaps.get(value)?.add(slot);
    }
  }

  /** Takes out a document as it was stored. */
  remove(id: string, doc: unknown): void {
    this.nested.delete(id);
    const slot = this.slotOf(id);
    for (const value of scalarsAt(doc, this.keys).values) {
      this.exact.get(value)?.delete(id);
      if (slot !== undefined) this.bitmaps.get(value)?.delete(slot);
    }
  }

  clear(): void {
    this.exact.clear();
    this.bitmaps.clear();
    this.sortedStrings = undefined;
    this.nested.clear();
  }

  /** The ids that may match `condition` on this path, or undefined when the index cannot tell. */
  lookup(condition: unknown): IndexLookup | undefined {
    const found = this.narrow(condition);
    return found && this.nested.size > 0 ? { ids: found.ids, exact: false } : found;
  }

  private narrow(condition: unknown): IndexLookup | undefined {
    if (isScalar(condition)) return this.valueLookup(condition, true);
    if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return undefined;
    const operators = condition as Record<string, unknown>;
    const only = Object.keys(operators).length === 1;
    if (isScalar(operators.$eq)) return this.valueLookup(operators.$eq, only);
    if (Array.isArray(operators.$in) && operators.$in.every(isScalar)) {
      const values = operators.$in;
      if (values.length === 1) return this.valueLookup(values[0], only);
      return { ids: union(values.map((v) => this.idsOf(v))), exact: only, bitmap: () => Bitmap.union(values.map((v) => this.bitmapOf(v))) };
    }
    if (Array.isArray(operators.$all) && operators.$all.length > 0 && operators.$all.every(isScalar)) {
      const values = operators.$all;
      // Narrowing only: on a field holding a scalar, MongoDB matches `$all: [x]` when it is x and
      // the query engine (mingo) does not; the engine decides, so counts agree with finds.
      if (values.length === 1) return { ids: this.idsOf(values[0]), exact: false };
      return { ids: intersection(values.map((v) => this.idsOf(v))), exact: false };
    }
    if (typeof operators.$regex === 'string') return this.regexLookup(operators.$regex, operators.$options, Object.keys(operators).length);
    return undefined;
  }

  private sortedValues(): BTree<string, true> {
    if (!this.sortedStrings) {
      const strings = [...this.exact.keys()].filter((value): value is string => typeof value === 'string');
      this.sortedStrings = new BTree(strings.map((value) => [value, true]));
    }
    return this.sortedStrings;
  }

  private valueLookup(value: Primitive, exact: boolean): IndexLookup {
    return { ids: this.idsOf(value), exact, bitmap: () => this.bitmapOf(value) };
  }

  private idsOf(value: Primitive): Set<string> {
    return this.exact.get(value) ?? EMPTY;
  }

  private bitmapOf(value: Primitive): Bitmap {
    let bitmap = this.bitmaps.get(value);
    if (!bitmap) {
      bitmap = new Bitmap();
      for (const id of this.idsOf(value)) {
        const slot = this.slotOf(id);
        if (slot !== undefined) bitmap.add(slot);
      }
      // Kept (and kept up to date) only for values on many documents: at most one per 1,024
      // documents on this path. Smaller ones are rebuilt when asked for, which is cheap.
      if (this.idsOf(value).size >= CACHED_BITMAP_MIN) this.bitmaps.set(value, bitmap);
    }
    return bitmap;
  }

  /**
   * The documents holding a string the regex matches: each distinct value tested once. Exact
   * (a document matches when a string it holds here does) unless other operators come with it.
   */
  private regexLookup(pattern: string, options: unknown, operatorCount: number): IndexLookup | undefined {
    if (options !== undefined && (typeof options !== 'string' || !/^[imsu]*$/.test(options))) return undefined;
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, options ?? '');
    } catch {
      return undefined; // the query engine reports it
    }
    const matching: Set<string>[] = [];
    const literal = wholeLiteralPrefix(pattern, options);
    if (literal !== undefined) {
      for (const [value] of this.sortedValues().entries(literal)) {
        if (!value.startsWith(literal)) break;
        const ids = this.exact.get(value);
        if (ids && ids.size > 0) matching.push(ids);
      }
    } else {
      for (const [value, ids] of this.exact) if (typeof value === 'string' && ids.size > 0 && regex.test(value)) matching.push(ids);
    }
    return { ids: matching.length === 0 ? EMPTY : union(matching), exact: operatorCount === (options === undefined ? 1 : 2) };
  }
}

/**
 * The top-level conditions of a filter that every match must meet, by field path ($and
 * flattened), and the other parts every match must meet too (`$or`, `$nor`, ...).
 */
export function requiredConditions(filter: Filter): { conditions: [string, unknown][]; others: Filter[] } {
  const conditions: [string, unknown][] = [];
  const others: Filter[] = [];
  const pending: unknown[] = [filter];
  while (pending.length > 0) {
    const part = pending.pop();
    if (typeof part !== 'object' || part === null || Array.isArray(part)) {
      others.push(part as Filter); // not a filter: the query engine says so
      continue;
    }
    for (const [key, value] of Object.entries(part)) {
      if (key === '$and' && Array.isArray(value) && value.length > 0) pending.push(...[...value].reverse());
      else if (key.startsWith('$')) others.push({ [key]: value });
      else conditions.push([key, value]);
    }
  }
  return { conditions, others };
}

const EMPTY: Set<string> = new Set();
const CACHED_BITMAP_MIN = 1_024;

function isScalar(value: unknown): value is Primitive {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function bucket<K>(map: Map<K, Set<string>>, key: K): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function union(sets: Set<string>[]): Set<string> {
  if (sets.length === 1) return sets[0];
  const all = new Set<string>();
  for (const set of sets) for (const id of set) all.add(id);
  return all;
}

function intersection(sets: Set<string>[]): Set<string> {
  const [smallest, ...others] = [...sets].sort((a, b) => a.size - b.size);
  if (others.length === 0) return smallest;
  const common = new Set<string>();
  for (const id of smallest) if (others.every((set) => set.has(id))) common.add(id);
  return common;
}

/** The distinct scalar values at a path, through arrays (as MongoDB's dotted paths reach into them). */
function scalarsAt(doc: unknown, keys: readonly string[]): { values: Primitive[]; nested: boolean } {
  // Most paths hold one value and no array on the way: no lists to build.
  const value = valueAlong(doc, keys);
  if (value === ARRAY_ON_PATH || Array.isArray(value)) return scalarsThroughArrays(doc, keys);
  return isScalar(value) ? { values: [value], nested: false } : NO_VALUES;
}

const NO_VALUES: { values: Primitive[]; nested: boolean } = Object.freeze({ values: [], nested: false }) as never;

function scalarsThroughArrays(doc: unknown, keys: readonly string[]): { values: Primitive[]; nested: boolean } {
  let current: unknown[] = [doc];
  let nested = false;
  for (const key of keys) {
    const next: unknown[] = [];
    for (const value of current) {
      const child = fieldOf(value, key);
      if (Array.isArray(child)) {
        next.push(...child);
        nested ||= child.some(Array.isArray);
      } else if (child !== undefined) next.push(child);
      if (Array.isArray(value)) for (const item of value) next.push(fieldOf(item, key));
    }
    current = next.filter((v) => v !== undefined);
  }
  const scalars = current.flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isScalar);
  return { values: scalars.length < 2 ? scalars : [...new Set(scalars)], nested };
}
