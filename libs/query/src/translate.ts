import { AppError } from '@cp/errors';
import { FieldRule, FieldTable, Operator } from './field-table';
import { checkFilterLimits } from './filter-limits';
import { isOperatorObject, isPlainObject } from './shapes';
import { ownValue } from './own';

export type MongoFilter = Record<string, unknown>;
export type MongoSort = Record<string, 1 | -1>;

export interface SortInput {
  fieldName?: string;
  order?: string;
}

const LOGICAL = new Set(['$and', '$or', '$not']);

/**
 * Translates a filter in the Wix API Query Language into a MongoDB filter, refusing what the
 * table does not allow and, before anything else, a filter beyond the limits of filter-limits.ts.
 */
export function translateFilter(filter: unknown, table: FieldTable, at = 'filter'): MongoFilter {
  checkFilterLimits(filter, at);
  return translate(filter, table, at);
}

function translate(filter: unknown, table: FieldTable, at: string): MongoFilter {
  if (filter === undefined || filter === null) return {};
  if (!isPlainObject(filter)) throw AppError.invalidField(at, 'must be an object');
  const clauses: MongoFilter[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (LOGICAL.has(key)) clauses.push(translateLogical(key, condition, table, `${at}.${key}`));
    else if (key.startsWith('$')) throw AppError.invalidField(`${at}.${key}`, `operator ${key} is not supported here`);
    else clauses.push(translateField(key, condition, table, at));
  }
  if (clauses.length === 0) return {};
  return clauses.length === 1 ? clauses[0] : { $and: clauses };
}

function translateLogical(operator: string, value: unknown, table: FieldTable, at: string): MongoFilter {
  if (operator === '$not') return { $nor: [translate(value, table, at)] };
  if (!Array.isArray(value) || value.length === 0) throw AppError.invalidField(at, `${operator} takes a non-empty array of filters`);
  return { [operator]: value.map((item, i) => translate(item, table, `${at}[${i}]`)) };
}

/** The rule of an API field: the table's own entries only, never a property every object has (`constructor`). */
export function resolveField(field: string, table: FieldTable): FieldRule | undefined {
  return ownValue(table.fields, field) ?? table.resolveDynamic?.(field);
}

function translateField(field: string, condition: unknown, table: FieldTable, at: string): MongoFilter {
  const rule = resolveField(field, table);
  if (!rule) throw AppError.invalidField(`${at}.${field}`, `field ${field} cannot be filtered on`, 'UNSUPPORTED_FIELD');
  const operators: Record<string, unknown> = isOperatorObject(condition) ? condition : { $eq: condition };
  const translated: MongoFilter[] = [];
  for (const [operator, value] of Object.entries(operators)) {
    if (!rule.operators.includes(operator as Operator)) {
      throw AppError.invalidField(`${at}.${field}`, `operator ${operator} is not supported for ${field}`, 'UNSUPPORTED_OPERATOR');
    }
    translated.push(translateOperator(rule, operator as Operator, value, `${at}.${field}.${operator}`));
  }
  return translated.length === 1 ? translated[0] : { $and: translated };
}

function translateOperator(rule: FieldRule, operator: Operator, value: unknown, at: string): MongoFilter {
  const lowercased = rule.lowercasedPath !== undefined && CASE_INSENSITIVE.has(operator);
  const path = lowercased ? rule.lowercasedPath! : rule.path;
  const compared = (item: unknown, itemAt: string) => lowercase(scalar(rule, item, itemAt), lowercased);
  switch (operator) {
    case '$exists':
      if (typeof value !== 'boolean') throw AppError.invalidField(at, 'must be true or false');
      return value ? { [path]: { $exists: true, $nin: [null, []] } } : { $or: [{ [path]: { $exists: false } }, { [path]: { $in: [null, []] } }] };
    case '$startsWith':
      if (typeof value !== 'string') throw AppError.invalidField(at, 'must be a string');
      // On a lowercased copy a case-sensitive prefix is the case-insensitive one, and an index can serve it.
      return lowercased ? { [path]: { $regex: `^${escapeRegex(value.toLowerCase())}` } } : { [path]: { $regex: `^${escapeRegex(value)}`, $options: 'i' } };
    case '$in':
    case '$nin':
    case '$hasSome':
    case '$hasAll': {
      if (!Array.isArray(value)) throw AppError.invalidField(at, 'must be an array');
      const values = value.map((item, i) => compared(item, `${at}[${i}]`));
      const mongoOperator = operator === '$hasSome' ? '$in' : operator === '$hasAll' ? '$all' : operator;
      return { [path]: { [mongoOperator]: values } };
    }
    default:
      return { [path]: { [operator]: compared(value, at) } };
  }
}

/** The operators that compare on a rule's lowercased copy, when it has one. */
const CASE_INSENSITIVE: ReadonlySet<Operator> = new Set(['$eq', '$ne', '$in', '$nin', '$startsWith']);

function lowercase(value: unknown, lowercased: boolean): unknown {
  return lowercased && typeof value === 'string' ? value.toLowerCase() : value;
}

/** Checks and normalizes one comparison value for the field's kind. */
function scalar(rule: FieldRule, value: unknown, at: string): unknown {
  if (value === null) return null;
  switch (rule.kind) {
    case 'date': {
      const time = typeof value === 'string' || typeof value === 'number' ? Date.parse(String(value)) : NaN;
      if (Number.isNaN(time)) throw AppError.invalidField(at, 'must be an ISO-8601 date-time');
      return new Date(time).toISOString();
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw AppError.invalidField(at, 'must be a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw AppError.invalidField(at, 'must be true or false');
      return value;
    default:
      if (typeof value !== 'string' && typeof value !== 'number') throw AppError.invalidField(at, 'must be a string');
      return value;
  }
}

/** One sort field at most (API.md §3.6), then a tie-breaker in the same direction so paging is stable. */
export function translateSort(sort: SortInput[] | SortInput | undefined, table: FieldTable, fallback: MongoSort, tieBreaker: string): MongoSort {
  const list = sort === undefined ? [] : Array.isArray(sort) ? sort : [sort];
  if (list.length > 1) throw AppError.invalidField('sort', 'at most one sort field is supported', 'MAX_SIZE');
  if (list.length === 0 || !list[0]?.fieldName) return { ...fallback, [tieBreaker]: Object.values(fallback)[0] ?? 1 };
  const { fieldName, order } = list[0];
  if (typeof fieldName !== 'string') throw AppError.invalidField('sort.fieldName', 'must be a string');
  const rule = resolveField(fieldName, table);
  if (!rule?.sortable) throw AppError.invalidField('sort.fieldName', `cannot sort by ${fieldName}`, 'UNSUPPORTED_FIELD');
  if (order !== undefined && typeof order !== 'string') throw AppError.invalidField('sort.order', 'must be ASC or DESC');
  const normalizedOrder = (order ?? 'ASC').toUpperCase();
  if (normalizedOrder !== 'ASC' && normalizedOrder !== 'DESC') throw AppError.invalidField('sort.order', 'must be ASC or DESC');
  const direction = normalizedOrder === 'ASC' ? 1 : -1;
  return { [rule.path]: direction, [tieBreaker]: direction };
}

export interface PagingInput {
  limit?: number | string;
  offset?: number | string;
}

/** `field` names the paging object in a refusal (`paging`, or `cursorPaging`). */
export function resolvePaging(paging: PagingInput | undefined, defaults: { limit: number; max: number }, field = 'paging'): { limit: number; offset: number } {
  const limit = paging?.limit === undefined || paging.limit === '' ? defaults.limit : Number(paging.limit);
  const offset = paging?.offset === undefined || paging.offset === '' ? 0 : Number(paging.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > defaults.max) {
    throw AppError.invalidField(`${field}.limit`, `must be an integer from 1 to ${defaults.max}`, 'OUT_OF_RANGE');
  }
  // Past 2^53 a number is no longer an exact integer: 1e300 passes Number.isInteger but cannot be echoed back as one.
  if (!Number.isSafeInteger(offset) || offset < 0) throw AppError.invalidField(`${field}.offset`, `must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`, 'OUT_OF_RANGE');
  return { limit, offset };
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
