import { AppError } from '@cp/errors';

/**
 * Keys that name an object's prototype machinery. Nest's ValidationPipe would delete them in
 * place (its guard against prototype pollution), which turned `{"filter":{"constructor":"x"}}`
 * into the empty filter that matches every contact. A key the server would drop is refused
 * instead, naming where it stands. (Fastify's parser already refuses `__proto__`.)
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws a 400 for the first reserved key anywhere in `value`; walks with its own stack. */
export function refuseReservedKeys(value: unknown, at = 'body'): void {
  const pending: { value: unknown; at: string }[] = [{ value, at }];
  while (pending.length > 0) {
    const { value: current, at: path } = pending.pop()!;
    if (typeof current !== 'object' || current === null || ArrayBuffer.isView(current)) continue;
    if (Array.isArray(current)) {
      current.forEach((item, i) => pending.push({ value: item, at: `${path}[${i}]` }));
      continue;
    }
    for (const key of Object.keys(current)) {
      const keyPath = path === 'body' ? key : `${path}.${key}`;
      if (RESERVED_KEYS.has(key)) throw AppError.invalidField(keyPath, `"${key}" is not accepted as a key`, 'RESERVED_KEY');
      pending.push({ value: (current as Record<string, unknown>)[key], at: keyPath });
    }
  }
}
