/**
 * What labels and extended fields share: a site's definitions of one kind form one aggregate
 * (one stream), so display names stay unique, keys are never reused and counts hold whatever
 * callers do at once. Each context names its own events and has its own decider; these are the
 * state they fold into and the steps their `evolve` is made of.
 */
export interface Definition {
  key: string;
  displayName: string;
}

export type Dated<D> = D & { createdDate?: string; updatedDate?: string };

export interface Catalog<D extends Definition> {
  opened: boolean;
  entries: Map<string, Dated<D>>;
  /** Keys ever used, deleted ones included: a key is never given to another definition. */
  usedKeys: Set<string>;
}

export function emptyCatalog<D extends Definition>(): Catalog<D> {
  return { opened: false, entries: new Map(), usedKeys: new Set() };
}

/** The catalog opened with its system definitions, which carry no dates (as in Wix's data). */
export function catalogOpened<D extends Definition>(catalog: Catalog<D>, system: readonly D[]): Catalog<D> {
  const entries = new Map(catalog.entries);
  const usedKeys = new Set(catalog.usedKeys);
  for (const definition of system) {
    entries.set(definition.key, { ...definition });
    usedKeys.add(definition.key);
  }
  return { opened: true, entries, usedKeys };
}

export function definitionCreated<D extends Definition>(catalog: Catalog<D>, definition: D, occurredAt: string): Catalog<D> {
  const entries = new Map(catalog.entries).set(definition.key, { ...definition, createdDate: occurredAt, updatedDate: occurredAt });
  return { ...catalog, entries, usedKeys: new Set(catalog.usedKeys).add(definition.key) };
}

/** A rename of a key the catalog does not hold changes nothing. */
export function definitionRenamed<D extends Definition>(catalog: Catalog<D>, key: string, displayName: string, occurredAt: string): Catalog<D> {
  const entries = new Map(catalog.entries);
  const entry = entries.get(key);
  if (entry) entries.set(key, { ...entry, displayName, updatedDate: occurredAt });
  return { ...catalog, entries };
}

/** The key stays used. */
export function definitionDeleted<D extends Definition>(catalog: Catalog<D>, key: string): Catalog<D> {
  const entries = new Map(catalog.entries);
  entries.delete(key);
  return { ...catalog, entries };
}

export function findByDisplayName<D extends Definition>(catalog: Catalog<D>, displayName: string): Dated<D> | undefined {
  for (const entry of catalog.entries.values()) if (entry.displayName === displayName) return entry;
  return undefined;
}

export function countEntries<D extends Definition>(catalog: Catalog<D>, predicate: (entry: D) => boolean): number {
  let count = 0;
  for (const entry of catalog.entries.values()) if (predicate(entry)) count++;
  return count;
}
