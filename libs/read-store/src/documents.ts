import { compareValues, valueAt } from './embedded-values';
import { updateOwnFields } from './embedded-own-fields';
import { Document, Filter, PageOptions, SortSpec, UpdateSpec } from './read-store.port';

/** What the embedded and SQLite stores do the same way to the documents they hold. */

/**
 * The literal of a regex that is nothing but `^literal` (no options, no character that means
 * more than itself): the strings it matches are exactly those that start with it, a range.
 */
export function wholeLiteralPrefix(pattern: string, options: unknown): string | undefined {
  if (options !== undefined && options !== '') return undefined;
  return /^\^[^\\.*+?^${}()|[\]\n\r]+$/u.test(pattern) ? pattern.slice(1) : undefined;
}

/** The first string after every string that starts with `prefix`. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** The id of a filter that is exactly `{ _id: <string> }`. */
export function idOnly(filter: Filter): string | undefined {
  const keys = Object.keys(filter);
  return keys.length === 1 && keys[0] === '_id' && typeof filter._id === 'string' ? filter._id : undefined;
}

/** Applies the operators of `update` (not `$setOnInsert`) to `draft` in place; true when something changed. */
export function applyUpdate(draft: Document, update: UpdateSpec): boolean {
  let changed = false;
  for (const [operator, fields] of Object.entries(update)) {
    if (operator === '$setOnInsert' || fields === undefined) continue;
    if (updateOwnFields(draft, operator, fields)) changed = true;
  }
  return changed;
}

/** The document an upsert inserts: the filter's plain equalities, `$setOnInsert`, then the other operators. */
export function upsertedDocument<T extends Document>(filter: Filter, update: UpdateSpec): T {
  const { $setOnInsert, ...rest } = update;
  const inserted = { ...equalityFields(filter), ...(structuredClone($setOnInsert) ?? {}) } as T;
  applyUpdate(inserted, rest);
  return inserted;
}

/** The fields an upsert copies from its filter: plain top-level equality conditions. */
function equalityFields(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$') || key.includes('.')) continue;
    const isOperatorObject = typeof value === 'object' && value !== null && Object.keys(value).some((k) => k.startsWith('$'));
    // Defined, not assigned: `seed.__proto__ = x` would set the seed's prototype.
    if (!isOperatorObject) Object.defineProperty(seed, key, { value: structuredClone(value), enumerable: true, writable: true, configurable: true });
  }
  return seed;
}

/** `docs` in `sort`'s order (MongoDB's order of values, missing first), stable among equals. */
export function sortDocuments<T extends Document>(docs: T[], sort: SortSpec): T[] {
  const keys = Object.entries(sort);
  if (keys.length === 0) return docs;
  const keyed = docs.map((doc) => ({ doc, values: keys.map(([path]) => valueAt(doc, path)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const order = compareValues(a.values[i], b.values[i]);
      if (order !== 0) return order * keys[i][1];
    }
    return 0;
  });
  return keyed.map((entry) => entry.doc);
}

/** The page of `matches` a sort, skip and limit give. */
export function sortPage<T extends Document>(matches: T[], options: Pick<PageOptions, 'sort' | 'skip' | 'limit'>): T[] {
  return sortDocuments(matches, options.sort).slice(options.skip, options.skip + options.limit);
}
