import { Filter } from './read-store.port';
import { ARRAY_ON_PATH, valueAlong } from './embedded-values';

/**
 * A filter compiled to plain functions, for the embedded store to test documents without the
 * query engine: mingo resolves every path anew for every condition and document (about a
 * microsecond each), which made a `$or` of 200 conditions over 100,000 contacts take many seconds.
 *
 * It covers what the read models' queries are made of (equality, `$ne`, `$in`, `$nin`, `$all`,
 * `$exists`, ranges, regexes, `$and`, `$or`, `$nor`), on plain values and arrays of them, with the
 * query engine's semantics. Where those reach further (an array before the path's end, arrays in
 * arrays, subdocuments compared whole) or for any other operator, it answers undefined and the
 * query engine decides. Lists of conditions on one path merge into one test: a `$or` of equalities
 * becomes one set lookup, a `$or` of prefixes one regex, an `$and` of `$ne` one set lookup.
 */
export type Decision = boolean | undefined;
export type Predicate = (doc: unknown) => Decision;

type Scalar = string | number | boolean;

/** A compiled condition before it becomes a function, kept apart so that conditions on one path can merge. */
type Node =
  /** Equal to one of `values` (null stands for missing too), or, `negated`, to none of them. */
  | { kind: 'in'; path: string; values: Set<unknown>; negated: boolean }
  | { kind: 'regex'; path: string; sources: string[]; flags: string }
  | { kind: 'all' | 'any'; nodes: Node[] }
  | { kind: 'not'; node: Node }
  | { kind: 'test'; predicate: Predicate };

/** Undecided, whatever the document: the query engine's to answer. */
const UNDECIDED: Node = { kind: 'test', predicate: () => undefined };
const ALWAYS: Node = { kind: 'test', predicate: () => true };

export function compileFilter(filter: Filter): Predicate {
  return build(filterNode(filter));
}

/** One condition on a field path: a bare value (equality) or an object of operators. */
export function compileCondition(path: string, condition: unknown): Predicate {
  return build(conditionNode(path, condition));
}

export function allOf(predicates: Predicate[]): Predicate {
  return build({ kind: 'all', nodes: predicates.map((predicate) => ({ kind: 'test', predicate })) });
}

// ------------------------------------------------------------------ filters to nodes

function filterNode(filter: unknown): Node {
  if (!isPlainObject(filter)) return UNDECIDED;
  return all(Object.entries(filter).map(([key, value]) => partNode(key, value)));
}

function partNode(key: string, value: unknown): Node {
  const operands = () => (value as unknown[]).map(filterNode);
  if (key === '$and' || key === '$or' || key === '$nor') {
    if (!Array.isArray(value) || value.length === 0) return UNDECIDED;
    return key === '$and' ? all(operands()) : key === '$or' ? any(operands()) : not(any(operands()));
  }
  return key.startsWith('$') ? UNDECIDED : conditionNode(key, value);
}

function conditionNode(path: string, condition: unknown): Node {
  if (!isOperatorObject(condition)) return operatorNode(path, '$eq', condition, {});
  return all(Object.entries(condition).map(([operator, value]) => operatorNode(path, operator, value, condition)));
}

function operatorNode(path: string, operator: string, value: unknown, condition: Record<string, unknown>): Node {
  const keys = path.split('.');
  switch (operator) {
    case '$eq':
    case '$ne':
      if (!isScalarOrNull(value)) return UNDECIDED;
      return { kind: 'in', path, values: new Set([value]), negated: operator === '$ne' };
    case '$in':
    case '$nin':
      if (!Array.isArray(value) || !value.every(isScalarOrNull)) return UNDECIDED;
      return { kind: 'in', path, values: new Set(value), negated: operator === '$nin' };
    case '$all':
      return Array.isArray(value) && value.every(isScalarOrNull) ? test(containsAll(keys, value)) : UNDECIDED;
    case '$exists':
      return typeof value === 'boolean' ? test(exists(keys, value)) : UNDECIDED;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return typeof value === 'string' || (typeof value === 'number' && !Number.isNaN(value)) ? test(inRange(keys, operator, value)) : UNDECIDED;
    case '$regex':
      return regexNode(path, value, condition.$options);
    case '$options':
      return Object.hasOwn(condition, '$regex') ? ALWAYS : UNDECIDED; // read with $regex
    default:
      return UNDECIDED;
  }
}

function regexNode(path: string, pattern: unknown, options: unknown): Node {
  // `g` and `y` make a regex remember where it stopped: the query engine's to deal with.
  if (typeof pattern !== 'string' || (options !== undefined && (typeof options !== 'string' || !/^[imsu]*$/.test(options)))) return UNDECIDED;
  try {
    new RegExp(pattern, options); // an invalid pattern is the query engine's to report
  } catch {
    return UNDECIDED;
  }
  return { kind: 'regex', path, sources: [pattern], flags: [...new Set(options ?? '')].sort().join('') };
}

function test(predicate: Predicate): Node {
  return { kind: 'test', predicate };
}

// ------------------------------------------------------------------ combining and merging

function all(nodes: Node[]): Node {
  const flat = nodes.flatMap((node) => (node.kind === 'all' ? node.nodes : [node])).filter((node) => node !== ALWAYS);
  // not(a) and not(b) is not(a or b): `$ne`s and `$nin`s on one path become one set.
  const merged = mergeSets(flat, true);
  return merged.length === 0 ? ALWAYS : merged.length === 1 ? merged[0] : { kind: 'all', nodes: merged };
}

function any(nodes: Node[]): Node {
  const flat = nodes.flatMap((node) => (node.kind === 'any' ? node.nodes : [node]));
  const merged = mergeRegexes(mergeSets(flat, false));
  return merged.length === 1 ? merged[0] : { kind: 'any', nodes: merged };
}

function not(node: Node): Node {
  if (node.kind === 'in') return { ...node, negated: !node.negated };
  return node.kind === 'not' ? node.node : { kind: 'not', node };
}

/** The `in` nodes of one path and sign merged into one (their values' union), the others as they are. */
function mergeSets(nodes: Node[], negated: boolean): Node[] {
  const byPath = new Map<string, { kind: 'in'; path: string; values: Set<unknown>; negated: boolean }>();
  const out: Node[] = [];
  for (const node of nodes) {
    if (node.kind !== 'in' || node.negated !== negated) {
      out.push(node);
      continue;
    }
    const same = byPath.get(node.path);
    if (!same) {
      const copy = { ...node, values: new Set(node.values) };
      byPath.set(node.path, copy);
      out.push(copy);
    } else for (const value of node.values) same.values.add(value);
  }
  return out;
}

/** Regexes on one path with the same flags become one alternation (unless a pattern refers to its own groups). */
function mergeRegexes(nodes: Node[]): Node[] {
  const byKey = new Map<string, { kind: 'regex'; path: string; sources: string[]; flags: string }>();
  const out: Node[] = [];
  for (const node of nodes) {
    if (node.kind !== 'regex' || node.sources.some((source) => /\\[1-9k]|\(\?</.test(source))) {
      out.push(node);
      continue;
    }
    const key = `${node.flags}/${node.path}`;
    const same = byKey.get(key);
    if (!same) {
      const copy = { ...node, sources: [...node.sources] };
      byKey.set(key, copy);
      out.push(copy);
    } else same.sources.push(...node.sources);
  }
  return out;
}

// ------------------------------------------------------------------ nodes to functions

function build(node: Node): Predicate {
  switch (node.kind) {
    case 'in':
      return inSet(node.path.split('.'), node.values, node.negated);
    case 'regex': {
      const source = node.sources.length === 1 ? node.sources[0] : node.sources.map((s) => `(?:${s})`).join('|');
      return matchesRegex(node.path.split('.'), new RegExp(source, node.flags));
    }
    case 'all':
      return every(node.nodes.map(build));
    case 'any':
      return some(node.nodes.map(build));
    case 'not': {
      const inner = build(node.node);
      return (doc) => {
        const decision = inner(doc);
        return decision === undefined ? undefined : !decision;
      };
    }
    default:
      return node.predicate;
  }
}

function every(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0];
  return (doc) => {
    let undecided = false;
    for (const predicate of predicates) {
      const decision = predicate(doc);
      if (decision === false) return false;
      if (decision === undefined) undecided = true;
    }
    return undecided ? undefined : true;
  };
}

function some(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0];
  return (doc) => {
    let undecided = false;
    for (const predicate of predicates) {
      const decision = predicate(doc);
      if (decision === true) return true;
      if (decision === undefined) undecided = true;
    }
    return undecided ? undefined : false;
  };
}

/**
 * Equality with one of `values`: a scalar is one of them, missing or null matches null, an array
 * matches when an element does; a subdocument equals no scalar.
 */
function inSet(keys: readonly string[], values: ReadonlySet<unknown>, negated: boolean): Predicate {
  const decide = (found: unknown): Decision => {
    if (found === undefined || found === null) return values.has(null);
    if (isScalar(found)) return values.has(found);
    if (!Array.isArray(found)) return false;
    let nested = false;
    for (const element of found) {
      if (element === null || isScalar(element)) {
        if (values.has(element)) return true;
      } else if (Array.isArray(element)) nested = true; // the query engine looks into arrays in arrays
    }
    return nested ? undefined : false;
  };
  return (doc) => {
    const found = valueAlong(doc, keys);
    if (found === ARRAY_ON_PATH) return undefined;
    const decision = decide(found);
    return decision === undefined ? undefined : decision !== negated;
  };
}

/** `$all`: an array holding every value (the query engine's rule: anything but an array holds none). */
function containsAll(keys: readonly string[], values: readonly unknown[]): Predicate {
  return (doc) => {
    const found = valueAlong(doc, keys);
    if (found === ARRAY_ON_PATH) return undefined;
    if (!Array.isArray(found) || values.length === 0) return false;
    return values.every((value) => found.includes(value));
  };
}

function exists(keys: readonly string[], wanted: boolean): Predicate {
  return (doc) => {
    const found = valueAlong(doc, keys);
    return found === ARRAY_ON_PATH ? undefined : (found !== undefined) === wanted;
  };
}

/** Ranges compare values of one type only (a string is never less than a number); an array matches when an element does. */
function inRange(keys: readonly string[], operator: '$gt' | '$gte' | '$lt' | '$lte', bound: string | number): Predicate {
  const within = (value: unknown): Decision => {
    if (typeof value !== typeof bound) return false;
    if (Number.isNaN(value)) return undefined;
    const v = value as string | number;
    return operator === '$gt' ? v > bound : operator === '$gte' ? v >= bound : operator === '$lt' ? v < bound : v <= bound;
  };
  return (doc) => {
    const found = valueAlong(doc, keys);
    if (found === ARRAY_ON_PATH) return undefined;
    if (!Array.isArray(found)) return within(found);
    let undecided = false;
    for (const element of found) {
      const decision = within(element);
      if (decision === true) return true;
      if (decision === undefined) undecided = true;
    }
    return undecided ? undefined : false;
  };
}

/** A regex matches strings only; an array matches when an element does (arrays in it are the query engine's). */
function matchesRegex(keys: readonly string[], regex: RegExp): Predicate {
  return (doc) => {
    const found = valueAlong(doc, keys);
    if (found === ARRAY_ON_PATH) return undefined;
    if (!Array.isArray(found)) return typeof found === 'string' && regex.test(found);
    let undecided = false;
    for (const element of found) {
      if (typeof element === 'string' && regex.test(element)) return true;
      if (Array.isArray(element)) undecided = true;
    }
    return undecided ? undefined : false;
  };
}

// ------------------------------------------------------------------ values

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));
}

function isScalarOrNull(value: unknown): value is Scalar | null {
  return value === null || isScalar(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** mingo's rule: an object with any `$` key is operators (anything else in it is an error, which mingo reports). */
function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && !(value instanceof RegExp) && Object.keys(value).some((key) => key.startsWith('$'));
}
