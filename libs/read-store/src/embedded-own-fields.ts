import { find as mingoFind, Query, update as mingoUpdate } from 'mingo';
import { Filter, FindOptions } from './read-store.port';

/**
 * mingo reads a document's fields as `doc[key]`, so a filter, sort, projection or update naming
 * `constructor`, `toString` or `__proto__` finds Object.prototype's members where MongoDB finds
 * a missing field (and a `__proto__` key of a filter is lost in mingo's copy of it, which then
 * matches everything). Such names are escaped on both sides, in the query and in the documents
 * it looks at, so that mingo sees ordinary keys only a document's own fields can hold. Queries
 * that name none of them, all of the read models' own, run on the documents as they are.
 */

const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));
/** Starts an escaped key. Keys that start with it already are escaped too, so no two keys meet. */
const MARK = '\u0000';

function needsEscape(key: string): boolean {
  return INHERITED.has(key) || key.startsWith(MARK);
}

function escapeKey(key: string): string {
  return needsEscape(key) ? MARK + key : key;
}

function escapePath(path: string): string {
  return path.includes('.') ? path.split('.').map(escapeKey).join('.') : escapeKey(path);
}

type Plain = Record<string, unknown>;

/** A document or subdocument (not a date or a regex). Not by prototype: structuredClone's copies may come from another realm's Object. */
function isPlain(value: unknown): value is Plain {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** An own property, whatever its name (assigning `__proto__` would set the prototype). */
function setOwn(target: Plain, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Rewrites the keys of a query-like object with `rename`, its values with `value`; the same
 * object back when nothing changed, so that the common case allocates nothing.
 */
function mapEntries(object: Plain, rename: (key: string) => string, value: (key: string, item: unknown) => unknown): Plain {
  let copy: Plain | undefined;
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const renamed = rename(key);
    const mapped = value(key, object[key]);
    if (!copy && (renamed !== key || mapped !== object[key])) {
      copy = {};
      for (let j = 0; j < i; j++) setOwn(copy, keys[j], object[keys[j]]);
    }
    if (copy) setOwn(copy, renamed, mapped);
  }
  return copy ?? object;
}

function mapArray(items: readonly unknown[], map: (item: unknown) => unknown): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const mapped = map(items[i]);
    if (!copy && mapped !== items[i]) copy = items.slice(0, i);
    copy?.push(mapped);
  }
  return copy ?? items;
}

/** A literal value (a document, or part of one): every key escaped, at any depth. */
function escapeValue(value: unknown): unknown {
  if (Array.isArray(value)) return mapArray(value, escapeValue);
  return isPlain(value) ? mapEntries(value, escapeKey, (_, item) => escapeValue(item)) : value;
}

function unescapeValue(value: unknown): unknown {
  if (Array.isArray(value)) return mapArray(value, unescapeValue);
  return isPlain(value) ? mapEntries(value, (key) => (key.startsWith(MARK) ? key.slice(1) : key), (_, item) => unescapeValue(item)) : value;
}

/** A query: field paths escaped segment by segment, their conditions' literal values escaped. */
function escapeFilter(filter: unknown): unknown {
  if (!isPlain(filter)) return filter;
  return mapEntries(
    filter,
    (key) => (key.startsWith('$') ? key : escapePath(key)),
    (key, value) => {
      if (key === '$and' || key === '$or' || key === '$nor') return Array.isArray(value) ? mapArray(value, escapeFilter) : value;
      return key.startsWith('$') ? escapeOperand(key, value) : escapeCondition(value);
    },
  );
}

function escapeCondition(condition: unknown): unknown {
  const isOperators = isPlain(condition) && Object.keys(condition).some((key) => key.startsWith('$'));
  return isOperators ? mapEntries(condition, (key) => key, escapeOperand) : escapeValue(condition);
}

function escapeOperand(operator: string, operand: unknown): unknown {
  switch (operator) {
    case '$elemMatch':
      return escapeFilter(operand);
    case '$not':
      return escapeCondition(operand);
    case '$regex':
    case '$options':
      return operand;
    default:
      return escapeValue(operand);
  }
}

/** Keys are paths, values as they are (a sort or a projection). */
function escapePathKeys<T extends Plain>(spec: T | undefined): T | undefined {
  return spec && (mapEntries(spec, escapePath, (_, value) => value) as T);
}

function escapeUpdate(update: Plain): Plain {
  return mapEntries(update, (key) => key, (operator, fields) =>
    isPlain(fields) ? mapEntries(fields, escapePath, (_, value) => (operator === '$pull' ? escapeCondition(value) : escapeValue(value))) : fields,
  );
}

/** mingo's Query, on the documents' own fields only. */
export class OwnFieldQuery {
  private readonly query: Query;
  private readonly escaped: boolean;

  constructor(filter: Filter) {
    const escaped = escapeFilter(filter) as Filter;
    this.escaped = escaped !== filter;
    this.query = new Query(escaped);
  }

  test(doc: object): boolean {
    return this.query.test(this.escaped ? (escapeValue(doc) as object) : doc);
  }
}

/** mingo's find with sort, skip, limit and projection, on the documents' own fields only. */
export function findOwnFields<T extends object>(docs: Iterable<T>, filter: Filter, options: FindOptions): T[] {
  const escapedFilter = escapeFilter(filter) as Filter;
  const sort = escapePathKeys(options.sort);
  const projection = escapePathKeys(options.projection);
  const escaped = escapedFilter !== filter || sort !== options.sort || projection !== options.projection;
  let cursor = mingoFind<T>(escaped ? escapedDocs(docs) : docs, escapedFilter, projection);
  if (sort && Object.keys(sort).length > 0) cursor = cursor.sort(sort);
  if (options.skip) cursor = cursor.skip(options.skip);
  if (options.limit) cursor = cursor.limit(options.limit);
  const found = cursor.all() as T[];
  return escaped ? found.map((doc) => unescapeValue(doc) as T) : found;
}

function* escapedDocs<T>(docs: Iterable<T>): Iterable<T> {
  for (const doc of docs) yield escapeValue(doc) as T;
}

/** Applies one update operator to `draft` in place, as mingo does; true when it changed something. */
export function updateOwnFields(draft: Plain, operator: string, fields: unknown): boolean {
  const update = { [operator]: structuredClone(fields) } as Plain;
  const escapedUpdate = escapeUpdate(update);
  if (escapedUpdate === update) return mingoUpdate(draft, update as never).length > 0;
  const view = escapeValue(draft) as Plain;
  const changed = mingoUpdate(view, escapedUpdate as never).length > 0;
  if (changed) {
    const result = unescapeValue(view) as Plain;
    for (const key of Object.keys(draft)) delete draft[key];
    for (const key of Object.keys(result)) setOwn(draft, key, result[key]);
  }
  return changed;
}
