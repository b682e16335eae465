import { MongoFilter, MongoSort } from './translate';

/**
 * Keyset paging, what a cursor resumes from: the rows after a row in a sort order are found by
 * comparing sort keys with that row's, which an index on them serves, instead of skipping an
 * offset's worth of rows. The sort is a field and a unique tiebreaker, both in one direction
 * (what translateSort gives); the field may be missing or null, which MongoDB sorts before
 * every value ascending and after every value descending, and it holds one type of value.
 */
export interface Anchor {
  /** The sort field's value on the row (null when missing). */
  value: string | number | null;
  /** The tiebreaker's value on the row. */
  tiebreaker: string | number;
}

export function anchorOf(row: Record<string, unknown>, sort: MongoSort): Anchor {
  const [[field], [tiebreaker]] = sortKeys(sort);
  const value = valueAt(row, field);
  const tie = valueAt(row, tiebreaker);
  if (typeof tie !== 'string' && typeof tie !== 'number') throw new Error(`keyset: the tiebreaker ${tiebreaker} of a row is ${String(tie)}`);
  return { value: typeof value === 'string' || typeof value === 'number' ? value : null, tiebreaker: tie };
}

/** The same keys in the other direction: the rows before an anchor are the rows after it in this order. */
export function reversedSort(sort: MongoSort): MongoSort {
  return Object.fromEntries(Object.entries(sort).map(([path, direction]) => [path, direction === 1 ? -1 : 1]));
}

/**
 * Filters whose matches, read one after another each in the sort order, are the rows after
 * the anchor. Each is a range of the sort's keys (no top-level `$or`, which an index could not
 * read in order): the rest of the anchor's group of values or of nulls, then the other group.
 */
export function rowsAfter(sort: MongoSort, anchor: Anchor): MongoFilter[] {
  const [[field, direction], [tiebreaker]] = sortKeys(sort);
  const later = direction === 1 ? '$gt' : '$lt';
  if (anchor.value === null) {
    const restOfNulls = { [field]: null, [tiebreaker]: { [later]: anchor.tiebreaker } };
    return direction === 1 ? [restOfNulls, { [field]: { $ne: null } }] : [restOfNulls];
  }
  const restOfValues = {
    [field]: { [direction === 1 ? '$gte' : '$lte']: anchor.value },
    $or: [{ [field]: { [later]: anchor.value } }, { [tiebreaker]: { [later]: anchor.tiebreaker } }],
  };
  return direction === 1 ? [restOfValues] : [restOfValues, { [field]: null }];
}

function sortKeys(sort: MongoSort): [string, 1 | -1][] {
  const keys = Object.entries(sort);
  if (keys.length !== 2 || keys[0][1] !== keys[1][1]) throw new Error('keyset: a sort of one field and a tiebreaker, in one direction');
  return keys;
}

function valueAt(row: Record<string, unknown>, path: string): unknown {
  let value: unknown = row;
  for (const key of path.split('.')) value = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}
