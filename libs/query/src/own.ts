/**
 * Request data names fields; it must never name a property of the objects that hold them.
 * `record[key]` with `key` = `constructor`, `__proto__` or `toString` finds Object.prototype's
 * members, so every lookup by a caller's key goes through here.
 */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
