/**
 * What kinds of value each field path of a collection has held, in any document ever written
 * (never forgotten on delete: knowing too many kinds only makes a query more careful). The SQL a
 * filter compiles to depends on it: `json_extract(doc, '$.siteId') = ?` is MongoDB's equality
 * only where siteId was never an array (whose elements count too) nor an object (whose JSON text
 * the comparison would see), and a plain `ORDER BY` of it is MongoDB's order only where it held
 * no booleans. Where a path is that simple, as nearly all of the read models' are, the query is
 * a plain comparison an expression index serves.
 */
export const Kind = { null: 1, number: 2, string: 4, boolean: 8, object: 16, array: 32 } as const;

export const COMPOSITE = Kind.object | Kind.array;

export class PathShapes {
  private readonly kinds = new Map<string, number>();

  constructor(known: Iterable<[string, number]> = []) {
    for (const [path, kinds] of known) this.kinds.set(path, kinds);
  }

  /** The kinds `path` has held (0: never present). */
  at(path: string): number {
    return this.kinds.get(path) ?? 0;
  }

  /** Whether an array stood before the end of `path` in some document: MongoDB's path then reaches into it. */
  arrayBefore(path: string): boolean {
    let end = path.indexOf('.');
    while (end !== -1) {
      if ((this.at(path.slice(0, end)) & Kind.array) !== 0) return true;
      end = path.indexOf('.', end + 1);
    }
    return false;
  }

  /** Records the kinds of `doc`'s fields; returns the paths whose kinds grew (to be stored). */
  observe(doc: object): [string, number][] {
    const grown: [string, number][] = [];
    this.walk(doc as Record<string, unknown>, '', grown);
    return grown;
  }

  private walk(object: Record<string, unknown>, prefix: string, grown: [string, number][]): void {
    for (const key of Object.keys(object)) {
      const path = prefix + key;
      const value = object[key];
      const kind = kindOf(value);
      const before = this.at(path);
      if ((before & kind) !== kind) {
        this.kinds.set(path, before | kind);
        grown.push([path, before | kind]);
      }
      if (kind === Kind.object) this.walk(value as Record<string, unknown>, `${path}.`, grown);
    }
  }
}

function kindOf(value: unknown): number {
  if (value === null || value === undefined) return Kind.null;
  if (Array.isArray(value)) return Kind.array;
  switch (typeof value) {
    case 'number':
      return Kind.number;
    case 'string':
      return Kind.string;
    case 'boolean':
      return Kind.boolean;
    default:
      return Kind.object;
  }
}
