import { Filter } from './read-store.port';

/**
 * A secondary index of the embedded store on one field path: lowercased string values (and
 * their first three characters, for prefix searches) to document ids. It only narrows the
 * documents a query looks at; mingo still decides every match, so results are exactly those of
 * a full scan.
 */
export class FieldIndex {
  private readonly exact = new Map<string, Set<string>>();
  private readonly prefixes = new Map<string, Set<string>>();
  private readonly keysOf = new Map<string, string[]>();

  constructor(readonly path: string) {}

  /** Indexes a document; a replaced document whose values here did not change costs nothing. */
  set(id: string, doc: unknown): void {
    const values = [...new Set(valuesAt(doc, this.path).map(normalize).filter((v): v is string => v !== undefined))];
    const previous = this.keysOf.get(id);
    if (previous && previous.length === values.length && previous.every((value, i) => value === values[i])) return;
    if (previous) this.remove(id);
    this.keysOf.set(id, values);
    for (const value of values) {
      bucket(this.exact, value).add(id);
      for (let n = 1; n <= Math.min(3, value.length); n++) bucket(this.prefixes, value.slice(0, n)).add(id);
    }
  }

  remove(id: string): void {
    for (const value of this.keysOf.get(id) ?? []) {
      this.exact.get(value)?.delete(id);
      for (let n = 1; n <= Math.min(3, value.length); n++) this.prefixes.get(value.slice(0, n))?.delete(id);
    }
    this.keysOf.delete(id);
  }

  clear(): void {
    this.exact.clear();
    this.prefixes.clear();
    this.keysOf.clear();
  }

  /** Ids that may match `condition` on this path, or undefined when the index cannot tell. */
  candidates(condition: unknown): Set<string> | undefined {
    if (typeof condition === 'string' || typeof condition === 'number') return this.lookup(condition);
    if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return undefined;
    const operators = condition as Record<string, unknown>;
    if ('$eq' in operators) return this.lookup(operators.$eq);
    if (Array.isArray(operators.$in)) return union(operators.$in.map((value) => this.lookup(value)));
    if (Array.isArray(operators.$all) && operators.$all.length > 0) return this.lookup(operators.$all[0]);
    if (typeof operators.$regex === 'string') {
      const prefix = literalPrefix(operators.$regex);
      if (prefix) return this.prefixes.get(prefix.toLowerCase().slice(0, 3)) ?? new Set();
    }
    return undefined;
  }

  private lookup(value: unknown): Set<string> | undefined {
    const key = normalize(value);
    return key === undefined ? undefined : (this.exact.get(key) ?? new Set());
  }
}

/** The top-level conditions of a filter that every match must meet ($and flattened). */
export function requiredConditions(filter: Filter): [string, unknown][] {
  const conditions: [string, unknown][] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) for (const part of value) conditions.push(...requiredConditions(part as Filter));
    else if (!key.startsWith('$')) conditions.push([key, value]);
  }
  return conditions;
}

function normalize(value: unknown): string | undefined {
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number') return String(value);
  return undefined;
}

function bucket(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function union(sets: (Set<string> | undefined)[]): Set<string> | undefined {
  if (sets.some((set) => set === undefined)) return undefined;
  const all = new Set<string>();
  for (const set of sets) for (const id of set!) all.add(id);
  return all;
}

/** The literal text an anchored regex starts with (`^ab\.c` -> `ab.c`), if it is plain enough. */
function literalPrefix(pattern: string): string | undefined {
  // An alternation anywhere (`^ab|cd`) means the anchor does not hold for every match.
  if (!pattern.startsWith('^') || /(^|[^\\])(\\\\)*\|/.test(pattern)) return undefined;
  let prefix = '';
  for (let i = 1; i < pattern.length; ) {
    let literal: string;
    if (pattern[i] === '\\' && /[.*+?^${}()|[\]\\/-]/.test(pattern[i + 1] ?? '')) {
      literal = pattern[i + 1];
      i += 2;
    } else if (/[.*+?^${}()|[\]\\]/.test(pattern[i])) break;
    else literal = pattern[i++];
    // A quantifier after a character makes it optional or repeated: the prefix ends before it.
    if (/[*?{]/.test(pattern[i] ?? '')) break;
    prefix += literal;
    if (pattern[i] === '+') break;
  }
  return prefix.length > 0 ? prefix : undefined;
}

function valuesAt(doc: unknown, path: string): unknown[] {
  let current: unknown[] = [doc];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      const child = (value as Record<string, unknown> | null | undefined)?.[key];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined) next.push(child);
      if (Array.isArray(value)) for (const item of value) next.push((item as Record<string, unknown> | null)?.[key]);
    }
    current = next.filter((v) => v !== undefined);
  }
  return current.flatMap((value) => (Array.isArray(value) ? value : [value]));
}
