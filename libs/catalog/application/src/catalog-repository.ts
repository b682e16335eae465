import { Catalog, CatalogEventRecord, Definition, emptyCatalog } from '@cp/catalog-domain';
import { RequestContext, siteStream } from '@cp/contracts';
import { AppendResult, EventStore, ExpectedRevision, isWrongExpectedRevision } from '@cp/event-store';
import { CatalogSpec } from './catalog-spec';

export interface LoadedCatalog<D extends Definition> {
  state: Catalog<D>;
  revision: ExpectedRevision;
}

export interface Decision<R> {
  events: { type: string; data: unknown }[];
  result: R;
}

const MAX_ATTEMPTS = 10;

/**
 * Loads a site's catalog and runs decisions on it with optimistic concurrency: a decision is
 * re-run on the fresh state when another writer got in first, so concurrent Find Or Create
 * calls for one name end with one definition, the later caller seeing it as existing.
 */
export class CatalogRepository<D extends Definition> {
  constructor(
    private readonly store: EventStore,
    private readonly spec: CatalogSpec<D>,
  ) {}

  stream(siteId: string): string {
    return siteStream(this.spec.streamPrefix, siteId);
  }

  async load(siteId: string): Promise<LoadedCatalog<D>> {
    const events = await this.store.readStream(this.stream(siteId));
    const state = events
      .map((e) => ({ type: e.type, data: e.data, occurredAt: e.occurredAt }) as CatalogEventRecord<D>)
      .reduce(this.spec.evolve, emptyCatalog<D>());
    return { state, revision: events.length === 0 ? 'no_stream' : events[events.length - 1].revision };
  }

  async decide<R>(
    context: RequestContext,
    decision: (state: Catalog<D>) => Decision<R>,
  ): Promise<{ result: R; state: Catalog<D>; appended?: AppendResult }> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(context.siteId);
      const { events, result } = decision(loaded.state);
      if (events.length === 0) return { result, state: loaded.state };
      const occurredAt = new Date().toISOString();
      const metadata = { siteId: context.siteId, occurredAt, correlationId: context.correlationId, actor: context.actor };
      try {
        const appended = await this.store.append(
          this.stream(context.siteId),
          events.map((event) => ({ type: event.type, data: event.data, metadata })),
          loaded.revision,
        );
        const state = events.map((event) => ({ ...event, occurredAt }) as CatalogEventRecord<D>).reduce(this.spec.evolve, loaded.state);
        return { result, state, appended };
      } catch (error) {
        if (!isWrongExpectedRevision(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
