import { AppError } from '@cp/errors';

/**
 * Fieldsets and projected fields (API.md §5): the response holds the union of what the
 * fieldsets and fields name, plus the fields that always come back.
 */
export interface ProjectionRules {
  fieldsets: Record<string, readonly string[] | 'ALL'>;
  fields: readonly string[];
  always: readonly string[];
  defaultFieldset: string;
}

/** The paths to keep, or `undefined` for the whole object. */
export function resolveProjection(
  rules: ProjectionRules,
  fieldsets: readonly string[] | undefined,
  fields: readonly string[] | undefined,
): string[] | undefined {
  const sets = fieldsets ?? [];
  const named = fields ?? [];
  for (const set of sets) {
    if (!(set in rules.fieldsets)) throw AppError.invalidField('fieldsets', `unknown fieldset ${set}; use one of ${Object.keys(rules.fieldsets).join(', ')}`);
  }
  for (const field of named) {
    if (!rules.fields.includes(field)) throw AppError.invalidField('fields', `field ${field} cannot be projected`);
  }
  const chosen = sets.length === 0 && named.length === 0 ? [rules.defaultFieldset] : sets;
  if (chosen.some((set) => rules.fieldsets[set] === 'ALL')) return undefined;
  const paths = new Set<string>([...rules.always, ...named]);
  for (const set of chosen) for (const path of rules.fieldsets[set] as readonly string[]) paths.add(path);
  return [...paths];
}

export function project<T extends object>(value: T, paths: readonly string[] | undefined): Partial<T> {
  if (!paths) return value;
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const keys = path.split('.');
    let source: unknown = value;
    for (const key of keys) source = (source as Record<string, unknown> | undefined)?.[key];
    if (source === undefined) continue;
    let target = out;
    keys.slice(0, -1).forEach((key) => (target = (target[key] ??= {}) as Record<string, unknown>));
    target[keys[keys.length - 1]] = source;
  }
  return out as Partial<T>;
}
