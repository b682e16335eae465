import { prefixEnd, wholeLiteralPrefix } from './documents';
import { requiredConditions } from './embedded-index';
import { valueAt } from './embedded-values';
import { Document, Filter, IndexSpec, SortSpec } from './read-store.port';
import { COMPOSITE, Kind, PathShapes } from './sqlite-shapes';

/**
 * MongoDB's multikey indexes, which SQLite's expression indexes cannot be: an index one of
 * whose paths holds arrays (a contact's label keys, its lowercased emails) gets a table of its
 * own with a row per element, each row carrying the index's other keys too, and a SQLite index
 * over them. A filter that pins the index's leading keys by equality, the array path among
 * them (`siteId`, `deleted`, one label), then counts and pages from that table's index alone,
 * in the order of the keys that follow, instead of testing every document of the site. One
 * that pins the keys before the array path and gives that path anchored literal prefixes
 * (search words, `{ searchTokens: { $regex: '^ada' } }`) reads each prefix's range of it.
 */
export interface MultikeyIndex {
  name: string;
  /** The quoted name of its table: columns k0..kn-1 (the index's paths in order) and doc_id. */
  table: string;
  paths: string[];
  directions: (1 | -1)[];
  /** The path that holds arrays. */
  arrayPath: string;
}

export function columnsOf(index: MultikeyIndex): string[] {
  return index.paths.map((_, i) => `k${i}`);
}

/** Its table and indexes. A rowid table, as keys may be NULL (a missing field), which a WITHOUT ROWID key refuses. */
export function createMultikeyTable(index: MultikeyIndex, baseName: string): string[] {
  const columns = columnsOf(index);
  const ordered = columns.map((column, i) => `${column} ${index.directions[i] === 1 ? 'ASC' : 'DESC'}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${index.table} (${columns.join(', ')}, doc_id TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS "${baseName}_keys" ON ${index.table} (${ordered.join(', ')}, doc_id)`,
    `CREATE INDEX IF NOT EXISTS "${baseName}_doc" ON ${index.table} (doc_id)`,
  ];
}

/** The rows of a document: one per scalar element of the array path (one for a scalar there), with the other keys' values. */
export function multikeyRows(index: MultikeyIndex, doc: Document): unknown[][] {
  const at = index.paths.indexOf(index.arrayPath);
  const array = valueAt(doc, index.arrayPath);
  const elements = (Array.isArray(array) ? array : [array]).map(sqlValue).filter((value) => value !== null);
  if (elements.length === 0) return [];
  const others = index.paths.map((path) => (path === index.arrayPath ? null : sqlValue(valueAt(doc, path))));
  return [...new Set(elements)].map((element) => others.map((value, i) => (i === at ? element : value)));
}

/** A value as json_extract gives it: a string or a number as itself, a boolean as 1 or 0, anything else as NULL. */
function sqlValue(value: unknown): unknown {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

export interface MultikeyPlan {
  index: MultikeyIndex;
  /** `k0 = ? AND k1 = ? ...` on the index table (alias x), and its parameters. */
  pinnedSql: string;
  params: unknown[];
  /** What the pinned keys leave of the filter (undefined: nothing). */
  rest: Filter | undefined;
  /** How many of the index's leading keys the filter pins. */
  pinned: number;
  /** The pinned equalities as a filter (for reading them off the documents instead). */
  pinnedFilter: Filter;
  /**
   * Prefix ranges of the key after the pinned ones (the array path), `[from, to)`, each of which
   * a document must have a row in: its rows are then not in the documents' order, and one
   * document may have several in a range (see SqliteCollection.query).
   */
  ranges: [string, string][];
}

/**
 * The multikey index that pins most of the filter's leading keys, its array path among them,
 * if any. Pinned means a plain equality whose value the column holds exactly: a string on a
 * path that never held an object (whose JSON text could match), a number or boolean on a path
 * that never held the other (json_extract reads true as 1); on the array path, a string.
 */
export function planMultikey(filter: Filter, indexes: readonly MultikeyIndex[], shapes: PathShapes): MultikeyPlan | undefined {
  if (indexes.length === 0) return undefined;
  const { conditions, others } = requiredConditions(filter);
  const equalities = new Map<string, { value: unknown; at: number }>();
  conditions.forEach(([path, condition], at) => {
    const value = equalityValue(condition);
    if (value !== undefined && !equalities.has(path)) equalities.set(path, { value, at });
  });
  let best: { index: MultikeyIndex; pinned: number; ranges?: { at: number; bounds: [string, string] }[] } | undefined;
  for (const index of indexes) {
    let pinned = 0;
    while (pinned < index.paths.length && pinnable(index.paths[pinned], index, equalities.get(index.paths[pinned])?.value, shapes)) pinned++;
    const arrayAt = index.paths.indexOf(index.arrayPath);
    if (pinned > arrayAt) {
      if (!best || pinned > best.pinned || best.ranges) best = { index, pinned };
    } else if (pinned === arrayAt && (!best || (best.ranges && pinned > best.pinned)) && !shapes.arrayBefore(index.arrayPath)) {
      const ranges = prefixRanges(conditions, index.arrayPath);
      if (ranges.length > 0) best = { index, pinned, ranges };
    }
  }
  if (!best) return undefined;
  const { index, pinned, ranges = [] } = best;
  const pinnedPaths = index.paths.slice(0, pinned);
  const used = new Set([...pinnedPaths.map((path) => equalities.get(path)!.at), ...ranges.map((range) => range.at)]);
  const left = [...conditions.filter((_, at) => !used.has(at)).map(([path, condition]) => ({ [path]: condition })), ...others];
  return {
    index,
    pinnedSql: columnsOf(index).slice(0, pinned).map((column) => `x.${column} = ?`).join(' AND '),
    params: pinnedPaths.map((path) => sqlValue(equalities.get(path)!.value)),
    rest: left.length === 0 ? undefined : { $and: left },
    pinned,
    pinnedFilter: Object.fromEntries(pinnedPaths.map((path) => [path, equalities.get(path)!.value])),
    ranges: ranges.map((range) => range.bounds),
  };
}

/**
 * The anchored literal prefixes the conditions on the path require, each the range of text of
 * the strings that start with it (numbers sort below text, and a regex matches strings only).
 */
function prefixRanges(conditions: [string, unknown][], path: string): { at: number; bounds: [string, string] }[] {
  return conditions.flatMap(([conditionPath, condition], at) => {
    const prefix = conditionPath === path ? literalPrefixOf(condition) : undefined;
    return prefix === undefined ? [] : [{ at, bounds: [prefix, prefixEnd(prefix)] as [string, string] }];
  });
}

/** `{ $regex: '^literal' }` and nothing else: the literal. */
function literalPrefixOf(condition: unknown): string | undefined {
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return undefined;
  const { $regex: pattern, $options: options, ...others } = condition as Record<string, unknown>;
  return typeof pattern === 'string' && Object.keys(others).length === 0 ? wholeLiteralPrefix(pattern, options) : undefined;
}

function pinnable(path: string, index: MultikeyIndex, value: unknown, shapes: PathShapes): boolean {
  if (value === undefined || shapes.arrayBefore(path)) return false;
  const kinds = shapes.at(path);
  if (path === index.arrayPath) return typeof value === 'string';
  if (typeof value === 'string') return (kinds & COMPOSITE) === 0;
  if (typeof value === 'number') return (kinds & (Kind.boolean | COMPOSITE)) === 0;
  return (kinds & (Kind.number | COMPOSITE)) === 0;
}

/**
 * ORDER BY on the index table's keys after the pinned ones, when the sort is theirs, all in its
 * directions or all reversed; plain values only (SQLite's order is then MongoDB's).
 */
export function indexOrder({ index, pinned, ranges }: MultikeyPlan, sort: SortSpec | undefined): string | undefined {
  const keys = Object.entries(sort ?? {});
  if (ranges.length > 0 || keys.length === 0 || pinned + keys.length > index.paths.length) return undefined;
  let reversed: boolean | undefined;
  for (const [i, [path, direction]] of keys.entries()) {
    if (index.paths[pinned + i] !== path || index.paths[pinned + i] === index.arrayPath) return undefined;
    const flipped = direction !== index.directions[pinned + i];
    if (reversed !== undefined && flipped !== reversed) return undefined;
    reversed = flipped;
  }
  return keys.map(([, direction], i) => `x.k${pinned + i} ${direction === 1 ? 'ASC' : 'DESC'}`).join(', ');
}

/** The value of a plain equality: `v`, `{ $eq: v }`, or `$in` of one value (not `$all`, which no scalar meets). */
function equalityValue(condition: unknown): unknown {
  if (isScalar(condition)) return condition;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return undefined;
  const keys = Object.keys(condition);
  if (keys.length !== 1) return undefined;
  const value = (condition as Record<string, unknown>)[keys[0]];
  if (keys[0] === '$eq') return isScalar(value) ? value : undefined;
  if (keys[0] === '$in' && Array.isArray(value) && value.length === 1 && isScalar(value[0])) return value[0];
  return undefined;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

export function multikeyIndex(spec: IndexSpec, table: string, name: string, arrayPath: string): MultikeyIndex {
  return { name, table, paths: Object.keys(spec.keys), directions: Object.values(spec.keys), arrayPath };
}
