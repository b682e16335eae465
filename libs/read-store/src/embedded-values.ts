/** Value helpers the embedded store's sorting and indexes share. */

/**
 * MongoDB's order for the values our read models sort on: missing and null first, then numbers,
 * strings, objects and arrays, booleans.
 */
export function compareValues(a: unknown, b: unknown): number {
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return Math.sign(byRank);
  switch (rank(a)) {
    case 0:
      return 0;
    case 3:
      return Math.sign(JSON.stringify(a).localeCompare(JSON.stringify(b)));
    default:
      return a! < b! ? -1 : a! > b! ? 1 : 0;
  }
}

function rank(value: unknown): number {
  switch (typeof value) {
    case 'undefined':
      return 0;
    case 'number':
      return 1;
    case 'string':
      return 2;
    case 'boolean':
      return 4;
    default:
      return value === null ? 0 : 3;
  }
}

/**
 * The field `key` of a value as MongoDB sees it: an own property of an object (never one of
 * Object.prototype's, such as `constructor`), or an element of an array by its position.
 */
export function fieldOf(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) return POSITION.test(key) ? value[Number(key)] : undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

const POSITION = /^\d+$/;

/** The value at a dotted path, not reaching into arrays (what sorting and ordering keys use). */
export function valueAt(doc: unknown, path: string): unknown {
  if (!path.includes('.')) return fieldOf(doc, path);
  return path.split('.').reduce<unknown>(fieldOf, doc);
}

/** What `valueAlong` gives when an array stands before the path's last key. */
export const ARRAY_ON_PATH = Symbol('array on path');

/**
 * The value at a split path, or ARRAY_ON_PATH when an array stands on the way: MongoDB's dotted
 * paths reach into arrays there, so a plain walk cannot answer and the caller takes the long way.
 * A value at the end is returned as it is, arrays included.
 */
export function valueAlong(doc: unknown, keys: readonly string[]): unknown {
  let value = doc;
  for (const key of keys) {
    if (Array.isArray(value)) return ARRAY_ON_PATH;
    if (typeof value !== 'object' || value === null) return undefined;
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}
