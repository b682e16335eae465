import type { MongoFilter } from './translate';

/**
 * The filter that matches what every clause matches, written flat where the clauses name
 * different fields: `{ siteId, deleted: false, 'lowercased.emails': … }` rather than
 * `{ $and: [{ siteId, deleted: false }, { 'lowercased.emails': … }] }`. Both mean the same to
 * MongoDB (a filter's fields are ANDed); a planner that only looks at top-level fields, as CI's
 * MongoDB-wire server does, picks a compound index for the flat one and scans for the other.
 * Nested `$and`s are flattened too; a field met twice (a date range of two clauses) stays in a
 * `$and` of what is left.
 */
export function conjunction(clauses: readonly MongoFilter[]): MongoFilter {
  const flat: MongoFilter = {};
  const rest: MongoFilter[] = [];
  const add = (clause: MongoFilter): void => {
    for (const [key, value] of Object.entries(clause)) {
      if (key === '$and' && Array.isArray(value)) value.forEach((item) => add(item as MongoFilter));
      else if (key === '__proto__' || Object.prototype.hasOwnProperty.call(flat, key)) rest.push({ [key]: value });
      else flat[key] = value;
    }
  };
  clauses.forEach(add);
  if (rest.length > 0) flat.$and = rest;
  return flat;
}
