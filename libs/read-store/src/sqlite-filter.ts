import { COMPOSITE, Kind, PathShapes } from './sqlite-shapes';
import { prefixEnd } from './documents';
import { Filter } from './read-store.port';

/**
 * A MongoDB filter compiled to a SQL condition on a table of `(id, doc)` rows, `doc` being the
 * document as JSONB. The SQL is either `exact` (it matches what MongoDB would match, so counts,
 * sorting and paging can run in SQL) or a superset of the matches, which the store then tests
 * one by one with the query engine. Whatever this does not cover (subdocument equality, paths
 * through arrays, operators the read models do not use) becomes TRUE, inexact: slower, never
 * wrong. Conditions on simple paths (see sqlite-shapes.ts) compile to the plain comparisons that
 * the store's expression indexes serve.
 */
export interface CompiledFilter {
  sql: string;
  params: unknown[];
  exact: boolean;
}

type Scalar = string | number | boolean;

interface Part {
  sql: string;
  params: unknown[];
  exact: boolean;
}

const TRUE: Part = { sql: '1', params: [], exact: true };
const FALSE: Part = { sql: '0', params: [], exact: true };
const UNKNOWN: Part = { sql: '1', params: [], exact: false };

/** Lists longer than this go in as one JSON parameter (SQLite limits the number of parameters). */
const LIST_AS_JSON = 64;

export interface CompileOptions {
  /**
   * Ranges (and prefixes) written so that no index serves them (`+expr`, SQLite's way): for a
   * page of a query that matches much of the collection, walking the index of the sort order and
   * testing each row finds the page sooner than reading every match to sort them.
   */
  unindexedRanges?: boolean;
}

export function compileFilter(filter: Filter, shapes: PathShapes, options: CompileOptions = {}): CompiledFilter {
  return new FilterCompiler(shapes, options).filter(filter);
}

/** The SQL expression of a field path's value, as expression indexes and ORDER BY name it; undefined when SQL cannot name it exactly. */
export function valueExpression(path: string): string | undefined {
  if (path === '_id') return 'id';
  const jsonPath = jsonPathOf(path);
  return jsonPath === undefined ? undefined : `json_extract(doc, ${jsonPath})`;
}

/**
 * A JSON path literal for a dotted field path: each key quoted, so any name is an object key.
 * Undefined for keys SQLite's paths cannot quote, and for numeric keys (MongoDB reads those as
 * array positions too).
 */
export function jsonPathOf(path: string): string | undefined {
  const keys = path.split('.');
  if (keys.some((key) => key === '' || /["\\]/.test(key) || /^\d+$/.test(key))) return undefined;
  return sqlString(`$${keys.map((key) => `."${key}"`).join('')}`);
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

class FilterCompiler {
  constructor(
    private readonly shapes: PathShapes,
    private readonly options: CompileOptions,
  ) {}

  filter(filter: unknown): Part {
    if (!isPlainObject(filter)) return UNKNOWN;
    return and(Object.entries(filter).map(([key, value]) => this.part(key, value)));
  }

  private part(key: string, value: unknown): Part {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(value) || value.length === 0) return UNKNOWN;
      const operands = value.map((operand) => this.filter(operand));
      return key === '$and' ? and(operands) : key === '$or' ? or(operands) : not(or(operands));
    }
    if (key.startsWith('$')) return UNKNOWN;
    return this.condition(key, value);
  }

  private condition(path: string, condition: unknown): Part {
    if (!isOperatorObject(condition)) return this.operator(path, '$eq', condition, {});
    return and(Object.entries(condition).map(([operator, value]) => this.operator(path, operator, value, condition)));
  }

  private operator(path: string, operator: string, value: unknown, condition: Record<string, unknown>): Part {
    const field = this.field(path);
    if (!field) return UNKNOWN;
    switch (operator) {
      case '$eq':
        return isScalarOrNull(value) ? field.equalsAny([value]) : UNKNOWN;
      case '$ne':
        return isScalarOrNull(value) ? not(field.equalsAny([value])) : UNKNOWN;
      case '$in':
        return Array.isArray(value) && value.every(isScalarOrNull) ? field.equalsAny(value) : UNKNOWN;
      case '$nin':
        return Array.isArray(value) && value.every(isScalarOrNull) ? not(field.equalsAny(value)) : UNKNOWN;
      case '$all':
        if (!Array.isArray(value) || !value.every(isScalarOrNull)) return UNKNOWN;
        return value.length === 0 ? FALSE : and(value.map((element) => field.arrayHolds(element)));
      case '$exists':
        return typeof value === 'boolean' ? field.exists(value) : UNKNOWN;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? field.range(operator, value) : UNKNOWN;
      case '$regex':
        return field.regex(value, condition.$options);
      case '$options':
        return Object.hasOwn(condition, '$regex') ? TRUE : UNKNOWN; // read with $regex
      case '$not':
        return isOperatorObject(value) ? not(this.condition(path, value)) : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private field(path: string): FieldSql | undefined {
    // The id column: always text, never missing.
    if (path === '_id') return new FieldSql('id', `'text'`, undefined, Kind.string, this.options);
    const jsonPath = jsonPathOf(path);
    if (jsonPath === undefined || this.shapes.arrayBefore(path)) return undefined;
    return new FieldSql(`json_extract(doc, ${jsonPath})`, `json_type(doc, ${jsonPath})`, jsonPath, this.shapes.at(path), this.options);
  }
}

/**
 * The SQL for conditions on one field. `value` is its SQL value (json_extract: a JSON string or
 * number as TEXT or a number, a boolean as 0 or 1, an object or array as its JSON text), `type`
 * its JSON type (NULL when missing), `kinds` what it has held.
 */
class FieldSql {
  constructor(
    private readonly value: string,
    private readonly type: string,
    private readonly jsonPath: string | undefined,
    private readonly kinds: number,
    private readonly options: CompileOptions,
  ) {}

  /** The value as a range compares it: through an index, or not (see CompileOptions). */
  private ranged(expression: string): string {
    return this.options.unindexedRanges ? `+${expression}` : expression;
  }

  private get mayBeArray(): boolean {
    return (this.kinds & Kind.array) !== 0;
  }

  /** Equal to one of `values`: a scalar is one of them, missing or null is null, an array holds one of them. */
  equalsAny(values: readonly (Scalar | null)[]): Part {
    if (values.some((v) => typeof v === 'number' && Number.isNaN(v))) return UNKNOWN;
    const parts: Part[] = [];
    const nonNull = values.filter((v): v is Scalar => v !== null);
    const strings = nonNull.filter((v): v is string => typeof v === 'string');
    const numbers = nonNull.filter((v): v is number => typeof v === 'number');
    const booleans = [...new Set(nonNull.filter((v): v is boolean => typeof v === 'boolean'))];
    // A composite value's JSON text could equal a string; numbers never equal text.
    if (strings.length > 0) parts.push(this.guarded(this.listed(this.value, strings), (this.kinds & COMPOSITE) !== 0 ? `${this.type} = 'text'` : undefined));
    // json_extract reads true as 1 and false as 0: where the field held numbers too, its type tells them apart.
    if (numbers.length > 0) parts.push(this.guarded(this.listed(this.value, numbers), (this.kinds & Kind.boolean) !== 0 ? `${this.type} IN ('integer', 'real')` : undefined));
    for (const boolean of booleans) {
      const typed = (this.kinds & Kind.number) !== 0 || this.jsonPath === undefined;
      parts.push(this.guarded({ sql: `${this.value} = ${boolean ? 1 : 0}`, params: [], exact: true }, typed ? `${this.type} = '${boolean}'` : undefined));
    }
    if (this.mayBeArray) for (const value of new Set(nonNull)) parts.push(this.arrayHolds(value));
    if (values.includes(null)) {
      parts.push({ sql: `ifnull(${this.type}, 'null') = 'null'`, params: [], exact: true });
      if (this.mayBeArray) parts.push(this.arrayHolds(null));
    }
    return or(parts);
  }

  /** An array holding `value` (MongoDB's `$all` of one value: anything but an array holds none). */
  arrayHolds(value: Scalar | null): Part {
    if (!this.mayBeArray || this.jsonPath === undefined) return FALSE;
    const [condition, params] = elementEquals(value);
    return { sql: `(${this.type} = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, ${this.jsonPath}) AS e WHERE ${condition}))`, params, exact: true };
  }

  exists(wanted: boolean): Part {
    return { sql: `${this.type} IS ${wanted ? 'NOT ' : ''}NULL`, params: [], exact: true };
  }

  /** Ranges compare values of one type only (a string is never less than a number); an array matches when an element does. */
  range(operator: '$gt' | '$gte' | '$lt' | '$lte', bound: string | number): Part {
    const symbol = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[operator];
    const types = typeof bound === 'string' ? `'text'` : `'integer', 'real'`;
    const parts: Part[] = [{ sql: `(${this.ranged(this.value)} ${symbol} ? AND ${this.type} IN (${types}))`, params: [bound], exact: true }];
    if (this.mayBeArray && this.jsonPath !== undefined) {
      parts.push({ sql: `(${this.type} = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, ${this.jsonPath}) AS e WHERE e.value ${symbol} ? AND e.type IN (${types})))`, params: [bound], exact: true });
    }
    return or(parts);
  }

  /** A regex matches strings only; an anchored literal prefix also becomes a range an index can serve. */
  regex(pattern: unknown, options: unknown): Part {
    if (typeof pattern !== 'string' || (options !== undefined && (typeof options !== 'string' || !/^[imsu]*$/.test(options)))) return UNKNOWN;
    const flags = [...new Set(options ?? '')].sort().join('');
    try {
      new RegExp(pattern, flags); // an invalid pattern is the query engine's to report
    } catch {
      return UNKNOWN;
    }
    const parts: Part[] = [];
    const range = this.prefixRange(pattern, flags);
    const text: Part = { sql: `${this.type} = 'text'`, params: [], exact: true };
    // A pattern that is only `^literal` is its range: no regex to run on each row.
    const test: Part = range.whole ? TRUE : { sql: `regexp_test(?, ?, ${this.value})`, params: [pattern, flags], exact: true };
    parts.push(and([range.part, text, test]));
    if (this.mayBeArray && this.jsonPath !== undefined) {
      parts.push({ sql: `(${this.type} = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, ${this.jsonPath}) AS e WHERE e.type = 'text' AND regexp_test(?, ?, e.value)))`, params: [pattern, flags], exact: true });
    }
    return or(parts);
  }

  /**
   * The range of values an anchored literal prefix allows, which an index on the value serves
   * (or, case-insensitively, one on its lower()), as a bound the regex then checks exactly, or as
   * the whole test for a pattern that is only `^literal`.
   */
  private prefixRange(pattern: string, flags: string): { part: Part; whole: boolean } {
    const literal = flags.includes('m') ? undefined : literalPrefix(pattern);
    if (!literal) return { part: TRUE, whole: false };
    const { prefix, whole } = literal;
    if (!flags.includes('i')) {
      const value = this.ranged(this.value);
      return { part: { sql: `(${value} >= ? AND ${value} < ?)`, params: [prefix, prefixEnd(prefix)], exact: true }, whole };
    }
    // Without `u` no non-ASCII letter matches an ASCII one; with it, ſ matches s and the Kelvin
    // sign k, which SQLite's lower() (ASCII only) does not fold: no range for those.
    const lower = prefix.toLowerCase();
    if (flags.includes('u') && /[ks]/.test(lower)) return { part: TRUE, whole: false };
    const value = this.ranged(`lower(${this.value})`);
    return { part: { sql: `(${value} >= ? AND ${value} < ?)`, params: [lower, prefixEnd(lower)], exact: true }, whole };
  }

  private listed(value: string, values: readonly (string | number)[]): Part {
    const distinct = [...new Set(values)];
    if (distinct.length === 1) return { sql: `${value} = ?`, params: distinct, exact: true };
    if (distinct.length > LIST_AS_JSON) return { sql: `${value} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(distinct)], exact: true };
    return { sql: `${value} IN (${distinct.map(() => '?').join(', ')})`, params: distinct, exact: true };
  }

  private guarded(part: Part, guard: string | undefined): Part {
    return guard ? { ...part, sql: `(${part.sql} AND ${guard})` } : part;
  }
}

/** The condition on a json_each row `e` for an element equal to `value`, of its JSON type. */
function elementEquals(value: Scalar | null): [string, unknown[]] {
  if (value === null) return [`e.type = 'null'`, []];
  if (typeof value === 'boolean') return [`e.type = '${value}'`, []];
  if (typeof value === 'number') return [`e.value = ? AND e.type IN ('integer', 'real')`, [value]];
  return [`e.value = ? AND e.type = 'text'`, [value]];
}

/** Exact when every part is; a part known to be false decides it exactly. */
function and(parts: Part[]): Part {
  if (parts.some((part) => part.exact && part.sql === '0')) return FALSE;
  const exact = parts.every((part) => part.exact);
  const kept = parts.filter((part) => part.sql !== '1');
  if (kept.length === 0) return exact ? TRUE : UNKNOWN;
  return { sql: joined(kept.map((part) => part.sql), 'AND'), params: kept.flatMap((part) => part.params), exact };
}

/** Supersets of the alternatives make a superset of the whole. */
function or(parts: Part[]): Part {
  if (parts.some((part) => part.exact && part.sql === '1')) return TRUE;
  if (parts.some((part) => part.sql === '1')) return UNKNOWN;
  const exact = parts.every((part) => part.exact);
  const kept = parts.filter((part) => part.sql !== '0');
  if (kept.length === 0) return exact ? FALSE : UNKNOWN;
  return { sql: joined(kept.map((part) => part.sql), 'OR'), params: kept.flatMap((part) => part.params), exact };
}

/**
 * `a OP b OP ...` nested as a balanced tree: SQLite parses a flat chain into one as deep as it is
 * long, and refuses depths over 1,000 (a `$or` of a thousand conditions). Params keep their order.
 */
function joined(sqls: string[], operator: 'AND' | 'OR'): string {
  if (sqls.length === 1) return sqls[0];
  if (sqls.length <= 16) return `(${sqls.join(` ${operator} `)})`;
  const half = Math.ceil(sqls.length / 2);
  return `(${joined(sqls.slice(0, half), operator)} ${operator} ${joined(sqls.slice(half), operator)})`;
}

/** The complement; SQL's NULL (a comparison with a missing value) counts as false on both sides. */
function not(part: Part): Part {
  if (!part.exact) return UNKNOWN;
  if (part.sql === '1') return FALSE;
  if (part.sql === '0') return TRUE;
  return { sql: `NOT ifnull(${part.sql}, 0)`, params: part.params, exact: true };
}

/**
 * The literal text an anchored pattern must start with (`^abc...`), if any, and whether that is
 * the whole pattern (`^abc`: a string matches exactly when it starts with it).
 */
function literalPrefix(pattern: string): { prefix: string; whole: boolean } | undefined {
  const match = /^\^([\w \-@']+)/.exec(pattern);
  if (!match || pattern.includes('|')) return undefined; // an alternative need not start with it
  const rest = pattern.slice(match[0].length);
  // A quantifier after the last character makes it optional.
  const optionalLast = /^[?*{]/.test(rest);
  const prefix = optionalLast ? match[1].slice(0, -1) : match[1];
  return prefix.length > 0 ? { prefix, whole: rest === '' } : undefined;
}

function isScalarOrNull(value: unknown): value is Scalar | null {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** mingo's rule: an object with any `$` key is operators. */
function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && !(value instanceof RegExp) && Object.keys(value).some((key) => key.startsWith('$'));
}
