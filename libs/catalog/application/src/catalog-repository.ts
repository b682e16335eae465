import { Catalog, CatalogEventRecord, Definition, emptyCatalog } from '@cp/catalog-domain';
import { RequestContext, siteStream } from '@cp/contracts';
import { AppendResult, Decision, EventStore, ExpectedRevision, expectedRevisionOf, handleCommand, RecordedEvent, recordOf } from '@cp/event-store';
import { CatalogSpec } from './catalog-spec';

export type { Decision } from '@cp/event-store';

export interface LoadedCatalog<D extends Definition> {
  state: Catalog<D>;
  revision: ExpectedRevision;
}

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
    return { state: this.fold(events), revision: expectedRevisionOf(events) };
  }

  /** Runs the decision on the site's catalog through the command handler; `state` is the catalog after it. */
  async decide<R>(
    context: RequestContext,
    decision: (state: Catalog<D>) => Decision<R>,
  ): Promise<{ result: R; state: Catalog<D>; appended?: AppendResult }> {
    const occurredAt = new Date().toISOString();
    const { result, appended } = await handleCommand(
      this.store,
      this.stream(context.siteId),
      (events) => this.fold(events),
      (state) => {
        const { events, result } = decision(state);
        const after = events.map((event) => ({ ...event, occurredAt }) as CatalogEventRecord<D>).reduce(this.spec.evolve, state);
        return { events, result: { result, state: after } };
      },
      { metadata: () => ({ siteId: context.siteId, occurredAt, correlationId: context.correlationId, actor: context.actor }), subject: 'the site\'s catalog' },
    );
    return { ...result, appended };
  }

  private fold(events: RecordedEvent[]): Catalog<D> {
    return events.map((e) => recordOf<CatalogEventRecord<D>>(e)).reduce(this.spec.evolve, emptyCatalog<D>());
  }
}
