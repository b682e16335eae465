import { AppError } from '@cp/errors';
import { ownValue } from './own';

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
    if (!Object.hasOwn(rules.fieldsets, set)) throw AppError.invalidField('fieldsets', `unknown fieldset ${set}; use one of ${Object.keys(rules.fieldsets).join(', ')}`);
  }
  for (const field of named) {
    if (!rules.fields.includes(field)) throw AppError.invalidField('fields', `field ${field} cannot be projected`);
  }
  const chosen = sets.length === 0 && named.length === 0 ? [rules.defaultFieldset] : sets;
  if (chosen.some((set) => ownValue(rules.fieldsets, set) === 'ALL')) return undefined;
  const paths = new Set<string>([...rules.always, ...named]);
  for (const set of chosen) for (const path of ownValue(rules.fieldsets, set) as readonly string[]) paths.add(path);
  return [...paths];
}

/** The parts of `value` at `paths` (own properties only: a path never reaches into a prototype). */
export function project<T extends object>(value: T, paths: readonly string[] | undefined): Partial<T> {
  if (!paths) return value;
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const keys = path.split('.');
    let source: unknown = value;
    for (const key of keys) source = isRecord(source) ? ownValue(source, key) : undefined;
    if (source === undefined) continue;
    let target = out;
    for (const key of keys.slice(0, -1)) {
      const inner = ownValue(target, key);
      target = isRecord(inner) ? inner : define(target, key, {});
    }
    define(target, keys[keys.length - 1], source);
  }
  return out as Partial<T>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Sets an own property, whatever its name: `target.__proto__ = x` would change the prototype instead. */
function define<V>(target: Record<string, unknown>, key: string, value: V): V {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
  return value;
}
