import { Bitmap } from './embedded-bitmap';
import { FieldIndex, IndexLookup, requiredConditions } from './embedded-index';
import { OwnFieldQuery } from './embedded-own-fields';
import { allOf, compileCondition, compileFilter, Predicate } from './embedded-predicate';
import { Document, Filter } from './read-store.port';

type Scalar = string | number | boolean;

/**
 * How the embedded store answers one filter: which index sets narrow it, and what is left to
 * test on the documents in them. The sets each hold every match of a condition, so anything
 * outside one is out; a condition an index decides exactly is not tested again. What is left is
 * compiled to a plain predicate (embedded-predicate.ts), and only the documents it cannot decide
 * (arrays on a path, operators it does not cover) go to the query engine (mingo).
 */
export class FilterPlan {
  /** Index sets every match is in, smallest first. */
  readonly sets: Set<string>[] = [];
  private readonly lookups: IndexLookup[] = [];
  /** Scalar equalities on top-level conditions (`siteId: 's1'`, `deleted: false`), by path. */
  readonly equalities = new Map<string, Scalar>();
  /** The conditions no index decides, or undefined when the index sets decide the filter alone. */
  private readonly rest: Predicate | undefined;
  private query: OwnFieldQuery | undefined;

  constructor(
    private readonly filter: Filter,
    indexes: ReadonlyMap<string, FieldIndex>,
  ) {
    const { conditions, others } = requiredConditions(filter);
    const rest: Predicate[] = [];
    for (const [path, condition] of conditions) {
      const value = equalityValue(condition);
      if (value !== undefined && !this.equalities.has(path)) this.equalities.set(path, value);
      const lookup = indexes.get(path)?.lookup(condition);
      if (lookup) {
        this.lookups.push(lookup);
        this.sets.push(lookup.ids);
      }
      if (!lookup?.exact) rest.push(compileCondition(path, condition));
    }
    for (const other of others) rest.push(compileFilter(other));
    this.rest = rest.length === 0 ? undefined : allOf(rest);
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
    if (this.rest || !narrowest || narrowest.size < Math.max(BITMAP_COUNT_MIN, collectionSize / 32)) return undefined;
    if (this.lookups.some((lookup) => !lookup.bitmap)) return undefined;
    return Bitmap.countAll(this.lookups.map((lookup) => lookup.bitmap!()));
  }

  matches(doc: Document): boolean {
    for (const set of this.sets) if (!set.has(doc._id)) return false;
    if (!this.rest) return true;
    const decision = this.rest(doc);
    if (decision !== undefined) return decision;
    this.query ??= new OwnFieldQuery(this.filter);
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

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
