import type { MongoFilter } from './translate';

/**
 * The filter that matches what every clause matches, written flat where the clauses name
 * different fields: `{ siteId, deleted: false, 'lowercased.emails': … }` rather than
 * `{ $and: [{ siteId, deleted: false }, { 'lowercased.emails': … }] }`. Both mean the same to
 * MongoDB (a filter's fields are ANDed); a planner that only looks at top-level fields, as CI's
 * MongoDB-wire server does, picks a compound index for the flat one and scans for the other.
 * Nested `$and`s are flattened too; a field met twice stays in a `$and` of what is left, and so
 * does a range (`$gt`, `$gte`, `$lt`, `$lte`): that server reads a range on a compound index's
 * middle key with bounds that miss the values equal to an inclusive upper one (SecantusDB
 * 0.7.0b3, `_try_compound_range_id_keys`), and with the `$and` it checks every document instead.
 */
export function conjunction(clauses: readonly MongoFilter[]): MongoFilter {
  const flat: MongoFilter = {};
  const rest: MongoFilter[] = [];
  const add = (clause: MongoFilter): void => {
    for (const [key, value] of Object.entries(clause)) {
      if (key === '$and' && Array.isArray(value)) value.forEach((item) => add(item as MongoFilter));
      else if (key === '__proto__' || Object.prototype.hasOwnProperty.call(flat, key) || isRange(value)) rest.push({ [key]: value });
      else flat[key] = value;
    }
  };
  clauses.forEach(add);
  if (rest.length > 0) flat.$and = rest;
  return flat;
}

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);

function isRange(condition: unknown): boolean {
  return typeof condition === 'object' && condition !== null && !Array.isArray(condition) && Object.keys(condition).some((operator) => RANGE_OPERATORS.has(operator));
}
