import BTree from 'sorted-btree';
import { SortSpec } from './read-store.port';
import { compareValues, valueAt } from './embedded-values';

type Key = unknown[];

/**
 * An ordering index of the embedded store, for a compound index that serves sorting
 * (`{ siteId: 1, deleted: 1, 'state.createdDate': -1, seq: -1 }`): the documents kept in key
 * order in a B+ tree, so that a query whose filter pins the leading keys by equality can walk
 * its matches in sort order and stop after one page, instead of sorting every match.
 */
export class OrderIndex {
  /** Key: the values at the index paths, then the id (keys are unique). Kept ascending on every path. */
  private readonly tree = new BTree<Key, string>(undefined, compareKeys);
  /** Documents holding an array at an index path: MongoDB equality reaches into arrays, a key cannot. */
  private readonly withArrays = new Set<string>();

  constructor(readonly paths: string[]) {}

  /** Places a document, in place of `previous` (the version stored before, whose key is computed again rather than kept). */
  set(id: string, doc: unknown, previous: unknown): void {
    const key = this.keyOf(id, doc);
    if (previous !== undefined) {
      const before = this.keyOf(id, previous);
      if (compareKeys(before, key) === 0) return;
      this.remove(id, previous);
    }
    if (key.some(Array.isArray)) this.withArrays.add(id);
    this.tree.set(key, id);
  }

  /** Takes out a document as it was stored. */
  remove(id: string, doc: unknown): void {
    this.withArrays.delete(id);
    this.tree.delete(this.keyOf(id, doc));
  }

  clear(): void {
    this.tree.clear();
    this.withArrays.clear();
  }

  private keyOf(id: string, doc: unknown): Key {
    return [...this.paths.map((path) => valueAt(doc, path)), id];
  }

  /**
   * The ids in `sort` order, when this index can give them: its leading paths are all pinned by
   * `equalities`, and the sort is on the paths that follow, every one ascending or every one
   * descending, and no document holds an array at an index path. Undefined otherwise.
   */
  walk(equalities: Map<string, unknown>, sort: SortSpec): Iterable<string> | undefined {
    if (this.withArrays.size > 0) return undefined;
    let pinned = 0;
    while (pinned < this.paths.length && equalities.has(this.paths[pinned])) pinned++;
    const sortPaths = Object.keys(sort);
    const rest = this.paths.slice(pinned);
    if (sortPaths.length === 0 || sortPaths.length > rest.length || sortPaths.some((path, i) => rest[i] !== path)) return undefined;
    const directions = new Set(Object.values(sort));
    if (directions.size !== 1) return undefined;
    const prefix = this.paths.slice(0, pinned).map((path) => equalities.get(path));
    return directions.has(1) ? this.ascending(prefix) : this.descending(prefix);
  }

  private *ascending(prefix: Key): Iterable<string> {
    for (const [key, id] of this.tree.entries([...prefix, BELOW])) {
      if (!startsWith(key, prefix)) return;
      yield id;
    }
  }

  private *descending(prefix: Key): Iterable<string> {
    for (const [key, id] of this.tree.entriesReversed([...prefix, ABOVE])) {
      if (!startsWith(key, prefix)) return;
      yield id;
    }
  }
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
    if (x === BELOW || y === ABOVE) return -1;
    if (x === ABOVE || y === BELOW) return 1;
    const order = compareValues(x, y);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function startsWith(key: Key, prefix: Key): boolean {
  for (let i = 0; i < prefix.length; i++) if (compareValues(key[i], prefix[i]) !== 0) return false;
  return true;
}
