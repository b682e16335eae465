import { Query } from 'mingo';
import { Bitmap } from './embedded-bitmap';
import { FieldIndex, IndexLookup, requiredConditions } from './embedded-index';
import { Document, Filter } from './read-store.port';
import { ARRAY_ON_PATH, valueAlong } from './embedded-values';

type Scalar = string | number | boolean;

/**
 * How the embedded store answers one filter: which index sets narrow it, which plain equalities
 * can be checked on the document directly, and whether those decide a match alone. Each set and
 * each equality is a condition every match must meet, so anything failing one is out; only when
 * they do not cover the whole filter does the query engine (mingo) test what passes them.
 */
export class FilterPlan {
  /** Index sets every match is in, smallest first. */
  readonly sets: Set<string>[] = [];
  private readonly lookups: IndexLookup[] = [];
  /** Scalar equalities on top-level conditions (`siteId: 's1'`, `deleted: false`), by path. */
  readonly equalities = new Map<string, Scalar>();
  private readonly checks: { path: string[]; value: Scalar }[] = [];
  private exact: boolean;
  private query: Query | undefined;

  constructor(
    private readonly filter: Filter,
    indexes: ReadonlyMap<string, FieldIndex>,
  ) {
    const { conditions, complete } = requiredConditions(filter);
    this.exact = complete;
    for (const [path, condition] of conditions) {
      const value = equalityValue(condition);
      if (value !== undefined && !this.equalities.has(path)) this.equalities.set(path, value);
      const lookup = indexes.get(path)?.lookup(condition);
      if (lookup) {
        this.lookups.push(lookup);
        this.sets.push(lookup.ids);
        this.exact &&= lookup.exact;
      } else if (value !== undefined) this.checks.push({ path: path.split('.'), value });
      else this.exact = false;
    }
    this.sets.sort((a, b) => a.size - b.size);
  }

  /** The smallest index set, or undefined when no index narrows the filter. */
  get narrowest(): Set<string> | undefined {
    return this.sets[0];
  }

  /**
   * The number of matches from the index bitmaps alone, when the index sets decide the filter
   * and even the narrowest holds at least 1/32 of the `collectionSize` documents: below that,
   * walking the set is cheaper than ANDing bitmaps of collectionSize / 8 bytes each.
   */
  countFromIndexes(collectionSize: number): number | undefined {
    const narrowest = this.narrowest;
    if (!this.exact || this.checks.length > 0 || !narrowest || narrowest.size < Math.max(BITMAP_COUNT_MIN, collectionSize / 32)) return undefined;
    if (this.lookups.some((lookup) => !lookup.bitmap)) return undefined;
    return Bitmap.countAll(this.lookups.map((lookup) => lookup.bitmap!()));
  }

  matches(doc: Document): boolean {
    for (const set of this.sets) if (!set.has(doc._id)) return false;
    let undecided = !this.exact;
    for (const check of this.checks) {
      const equal = scalarEquals(doc, check.path, check.value);
      if (equal === false) return false;
      if (equal === undefined) undecided = true;
    }
    if (!undecided) return true;
    this.query ??= new Query(this.filter);
    return this.query.test(doc);
  }
}

const BITMAP_COUNT_MIN = 64;

/**
 * The value of a plain equality condition on a scalar: `'s1'`, `{ $eq: 's1' }`, or `$in` / `$all`
 * of one value (the same test in MongoDB: the field is it, or an array holding it).
 */
function equalityValue(condition: unknown): Scalar | undefined {
  if (isScalar(condition)) return condition;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return undefined;
  const keys = Object.keys(condition);
  if (keys.length !== 1) return undefined;
  const value = (condition as Record<string, unknown>)[keys[0]];
  if (keys[0] === '$eq') return isScalar(value) ? value : undefined;
  if ((keys[0] === '$in' || keys[0] === '$all') && Array.isArray(value) && value.length === 1 && isScalar(value[0])) return value[0];
  return undefined;
}

/**
 * Whether the value at `path` equals `value`; undefined when an array is on the way, where
 * MongoDB's equality reaches into the elements and the query engine must decide.
 */
function scalarEquals(doc: unknown, path: string[], value: Scalar): boolean | undefined {
  const found = valueAlong(doc, path);
  return found === ARRAY_ON_PATH || Array.isArray(found) ? undefined : found === value;
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
