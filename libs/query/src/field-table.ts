/**
 * Which API fields a query may filter and sort on, with which operators, and where each field
 * lives in the read model. An operator or field outside the table is a 400 that names it.
 */
export type Operator =
  | '$eq'
  | '$ne'
  | '$gt'
  | '$gte'
  | '$lt'
  | '$lte'
  | '$in'
  | '$nin'
  | '$exists'
  | '$startsWith'
  | '$hasSome'
  | '$hasAll';

/** How values are compared: dates are normalized to ISO-8601 strings, the read model's format. */
export type FieldKind = 'string' | 'date' | 'number' | 'array' | 'boolean';

export interface FieldRule {
  /** Path of the field in the read-model document. */
  path: string;
  /**
   * For a field compared case-insensitively (emails, as the duplicate check compares them): where
   * the read model keeps its values lowercased. `$eq $ne $in $nin $startsWith` compare there with
   * the values lowercased, which an index serves; sorting and `$exists` keep `path`.
   */
  lowercasedPath?: string;
  kind: FieldKind;
  operators: readonly Operator[];
  sortable?: boolean;
}

export interface FieldTable {
  /** Exact API field names (looked up as own properties only). */
  fields: Record<string, FieldRule>;
  /** Rules for API fields under a prefix, e.g. `info.extendedFields.` (resolved per key). */
  resolveDynamic?: (field: string) => FieldRule | undefined;
}

export const COMPARISON: readonly Operator[] = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'];
export const STRING_OPS: readonly Operator[] = ['$eq', '$ne', '$in', '$nin', '$startsWith', '$exists'];
export const ENUM_OPS: readonly Operator[] = ['$eq', '$ne', '$in', '$nin', '$exists'];
export const ARRAY_OPS: readonly Operator[] = ['$hasSome', '$hasAll', '$exists'];
