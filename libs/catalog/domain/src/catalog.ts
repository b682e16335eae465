/**
 * A site's definitions of one kind (labels, extended fields) as one aggregate: display names
 * unique, keys never reused, counts known — all inside one stream, so concurrent callers cannot
 * break those rules. Each bounded context names its own events; the folding is shared.
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

export interface CatalogEventTypes {
  opened: string;
  created: string;
  renamed: string;
  deleted: string;
}

export type CatalogEvent<D extends Definition> =
  | { type: string; data: { system: D[] } }
  | { type: string; data: D }
  | { type: string; data: { key: string; displayName: string } }
  | { type: string; data: { key: string } };

export type CatalogEventRecord<D extends Definition> = CatalogEvent<D> & { occurredAt: string };

export function emptyCatalog<D extends Definition>(): Catalog<D> {
  return { opened: false, entries: new Map(), usedKeys: new Set() };
}

/** System definitions carry no dates (as in Wix's data); the others get them from their events. */
export function catalogEvolver<D extends Definition>(types: CatalogEventTypes) {
  const evolve = (catalog: Catalog<D>, event: CatalogEventRecord<D>): Catalog<D> => {
    const entries = new Map(catalog.entries);
    const usedKeys = new Set(catalog.usedKeys);
    switch (event.type) {
      case types.opened:
        for (const definition of (event.data as { system: D[] }).system) {
          entries.set(definition.key, { ...definition });
          usedKeys.add(definition.key);
        }
        return { opened: true, entries, usedKeys };
      case types.created: {
        const definition = event.data as D;
        entries.set(definition.key, { ...definition, createdDate: event.occurredAt, updatedDate: event.occurredAt });
        usedKeys.add(definition.key);
        return { ...catalog, entries, usedKeys };
      }
      case types.renamed: {
        const { key, displayName } = event.data as { key: string; displayName: string };
        const entry = entries.get(key);
        if (entry) entries.set(key, { ...entry, displayName, updatedDate: event.occurredAt });
        return { ...catalog, entries };
      }
      case types.deleted:
        entries.delete((event.data as { key: string }).key);
        return { ...catalog, entries };
      default:
        return catalog;
    }
  };
  return {
    evolve,
    fold: (events: readonly CatalogEventRecord<D>[]) => events.reduce(evolve, emptyCatalog<D>()),
  };
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

/**
 * Which definition a Find Or Create decision answers with, from the catalog after it: the one its
 * `createdType` event made, or the one that already had the display name.
 */
export function foundOrCreatedKey<D extends Definition>(
  after: Catalog<D>,
  events: readonly { type: string; data: unknown }[],
  createdType: string,
  displayName: string,
): { key: string; created: boolean } {
  const created = events.find((event) => event.type === createdType);
  if (created) return { key: (created.data as D).key, created: true };
  return { key: findByDisplayName(after, displayName)!.key, created: false };
}
