import BTree from 'sorted-btree';
import { SortSpec } from './read-store.port';
import { ARRAY_ON_PATH, compareValues, valueAlong } from './embedded-values';

type Key = unknown[];

/**
 * An ordering index of the embedded store, for a compound index that serves sorting
 * (`{ siteId: 1, deleted: 1, 'state.createdDate': -1, seq: -1 }`): the documents kept in key
 * order in a B+ tree, so that a query whose filter pins the leading keys by equality can walk
 * its matches in sort order and stop after one page, instead of sorting every match.
 *
 * Like MongoDB's multikey indexes, one path may hold an array: the document then has one entry
 * per distinct element (`{ siteId, deleted, labels, createdDate }` walks one label's contacts
 * newest first). Equality on that path means "the array holds it", as in MongoDB.
 */
export class OrderIndex {
  /** Key: the values at the index paths, then the id (keys are unique). Kept ascending on every path. */
  private readonly tree = new BTree<Key, string>(undefined, compareKeys);
  private readonly keyPaths: string[][];
  /** Documents whose values this index cannot order (an array on the way, or on two paths): it serves no walk while any exist. */
  private readonly unordered = new Set<string>();
  /** Per path, how many documents hold an array there: a walk must pin such a path, or it would meet those documents once per element. */
  private readonly arraysAt: number[];

  constructor(readonly paths: string[]) {
    this.keyPaths = paths.map((path) => path.split('.'));
    this.arraysAt = paths.map(() => 0);
  }

  /** Places a document, in place of `previous` (the version stored before, whose keys are computed again rather than kept). */
  set(id: string, doc: unknown, previous: unknown): void {
    const entries = this.entriesOf(id, doc);
    if (previous !== undefined) {
      const before = this.entriesOf(id, previous);
      if (before && entries && before.multi === entries.multi && sameKeys(before.keys, entries.keys)) return;
      this.remove(id, previous);
    }
    if (!entries) {
      this.unordered.add(id);
      return;
    }
    if (entries.multi >= 0) this.arraysAt[entries.multi]++;
    for (const key of entries.keys) this.tree.set(key, id);
  }

  /** Takes out a document as it was stored. */
  remove(id: string, doc: unknown): void {
    if (this.unordered.delete(id)) return;
    const entries = this.entriesOf(id, doc);
    if (!entries) return;
    if (entries.multi >= 0) this.arraysAt[entries.multi]--;
    for (const key of entries.keys) this.tree.delete(key);
  }

  clear(): void {
    this.tree.clear();
    this.unordered.clear();
    this.arraysAt.fill(0);
  }

  /**
   * The document's entries, sorted, and which path holds an array (-1: none); undefined when its
   * values cannot be ordered.
   */
  private entriesOf(id: string, doc: unknown): { keys: Key[]; multi: number } | undefined {
    const values: unknown[] = [];
    let multi = -1;
    for (let i = 0; i < this.keyPaths.length; i++) {
      const value = valueAlong(doc, this.keyPaths[i]);
      if (value === ARRAY_ON_PATH) return undefined;
      if (Array.isArray(value)) {
        if (multi >= 0 || value.some(Array.isArray)) return undefined;
        multi = i;
      }
      values.push(value);
    }
    if (multi < 0) return { keys: [[...values, id]], multi };
    const elements = [...new Set(values[multi] as unknown[])];
    const keys = (elements.length > 0 ? elements : [undefined]).map((element) => {
      const key = [...values, id];
      key[multi] = element;
      return key;
    });
    return { keys: keys.sort(compareKeys), multi };
  }

  /**
   * How this index would give the ids in `sort` order: its leading paths pinned by
   * `equalities`, the sort on the paths that follow, every one ascending or every one
   * descending. Undefined when it cannot; `pinned` says how many paths narrow the walk.
   */
  walker(equalities: ReadonlyMap<string, unknown>, sort: SortSpec): OrderWalker | undefined {
    if (this.unordered.size > 0) return undefined;
    let pinned = 0;
    while (pinned < this.paths.length && equalities.has(this.paths[pinned])) pinned++;
    if (this.arraysAt.some((count, i) => count > 0 && i >= pinned)) return undefined;
    const sortPaths = Object.keys(sort);
    const rest = this.paths.slice(pinned);
    if (sortPaths.length === 0 || sortPaths.length > rest.length || sortPaths.some((path, i) => rest[i] !== path)) return undefined;
    const directions = new Set(Object.values(sort));
    if (directions.size !== 1) return undefined;
    const prefix = this.paths.slice(0, pinned).map((path) => equalities.get(path));
    const ascending = directions.has(1);
    return {
      pinned,
      walk: (after) => (ascending ? this.ascending(prefix, after) : this.descending(prefix, after)),
      walkFrom: (value) => (ascending ? this.ascending(prefix, [...prefix, value, BELOW]) : this.descending(prefix, [...prefix, value, ABOVE])),
    };
  }

  private *ascending(prefix: Key, after: Key | undefined): Iterable<[Key, string]> {
    for (const entry of this.tree.entries(after ?? [...prefix, BELOW])) {
      if (after && compareKeys(entry[0], after) === 0) continue;
      if (!startsWith(entry[0], prefix)) return;
      yield entry;
    }
  }

  private *descending(prefix: Key, after: Key | undefined): Iterable<[Key, string]> {
    for (const entry of this.tree.entriesReversed(after ?? [...prefix, ABOVE], undefined, after !== undefined)) {
      if (!startsWith(entry[0], prefix)) return;
      yield entry;
    }
  }
}

/**
 * A walk of an ordering index in sort order: entries (key, id), from the start or from just after
 * `after` — a key it gave before, so a long walk can stop, let writes happen, and go on.
 */
export interface OrderWalker {
  pinned: number;
  walk(after?: unknown[]): Iterable<[unknown[], string]>;
  /**
   * The walk from the first entry whose first sort key is `value` (a range's bound: a keyset
   * page starts there); null stands for null and missing alike, which sort together.
   */
  walkFrom(value: string | number | null): Iterable<[unknown[], string]>;
}

/** Bounds that sort before and after every value, to start a walk at the edge of a prefix. */
const BELOW = Symbol('below');
const ABOVE = Symbol('above');

function compareKeys(a: Key, b: Key): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    // The common case, two strings or two numbers, without the general ranking.
    if (typeof x === typeof y && (typeof x === 'string' || typeof x === 'number')) return (x as string) < (y as string) ? -1 : 1;
    if (x === BELOW || y === ABOVE) return -1;
    if (x === ABOVE || y === BELOW) return 1;
    const order = compareValues(x, y);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function sameKeys(a: Key[], b: Key[]): boolean {
  return a.length === b.length && a.every((key, i) => compareKeys(key, b[i]) === 0);
}

function startsWith(key: Key, prefix: Key): boolean {
  for (let i = 0; i < prefix.length; i++) if (compareValues(key[i], prefix[i]) !== 0) return false;
  return true;
}
