import { RecordedEvent } from './event-store.port';

/** Reads data of `type` stored at `fromVersion` in the schema of `fromVersion + 1`. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast: (data: unknown) => unknown;
}

const upcasters = new Map<string, Map<number, Upcaster['upcast']>>();

/**
 * Registers an upcaster. Stored events are never rewritten: when an event's data changes shape,
 * its type's schema version goes up by one, new events are written in it, and old ones are
 * upcast, one version at a time, as they are read.
 */
export function registerUpcaster(upcaster: Upcaster): void {
  const ofType = upcasters.get(upcaster.type) ?? new Map<number, Upcaster['upcast']>();
  ofType.set(upcaster.fromVersion, upcaster.upcast);
  upcasters.set(upcaster.type, ofType);
}

/** The schema version events of `type` are written in: one past its newest upcaster, 1 without one. */
export function schemaVersionOf(type: string): number {
  const versions = [...(upcasters.get(type)?.keys() ?? [])];
  return versions.length === 0 ? 1 : Math.max(...versions) + 1;
}

/** The event's data in today's schema of its type. */
export function currentData(event: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data'>): unknown {
  const ofType = upcasters.get(event.type);
  if (!ofType) return event.data;
  let data = event.data;
  for (let version = event.schemaVersion; ofType.has(version); version++) data = ofType.get(version)!(data);
  return data;
}

/** A stored event as a domain folds it — its type, its data in today's schema and its time: the one mapper from stored to domain events. */
export function recordOf<T>(event: RecordedEvent): T {
  return { type: event.type, data: currentData(event), occurredAt: event.occurredAt } as T;
}

/** The stored events a domain folds, as `recordOf` maps them; a redacted one (its data key destroyed) holds nothing to fold and is passed over. */
export function recordsOf<T>(events: readonly RecordedEvent[]): T[] {
  const records: T[] = [];
  for (const event of events) if (!event.redacted) records.push(recordOf<T>(event));
  return records;
}
