import { Catalog, Dated, Definition } from '@cp/catalog-domain';
import { CatalogListPayload, CatalogQueryPayload, PagingMetadata, RequestContext } from '@cp/contracts';
import { EventStore } from '@cp/event-store';
import { ProjectionLogger } from '@cp/projection';
import { escapeRegex, MongoFilter, resolvePaging, translateFilter, translateSort } from '@cp/query';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { CatalogProjection } from './catalog-projection';
import { CatalogDocument, catalogDocumentId } from './catalog-read-model';
import { CatalogRepository, Decision } from './catalog-repository';
import { CatalogSpec } from './catalog-spec';

export interface CatalogPage<D> {
  items: Dated<D>[];
  paging: PagingMetadata;
}

const DEFAULT_SORT = { 'definition.createdDate': -1 as const };

/**
 * Commands and queries of one catalog context. Every site's catalog is opened (seeded with its
 * system definitions) on first use, so every site sees them.
 */
export class CatalogService<D extends Definition> {
  readonly repository: CatalogRepository<D>;
  readonly projection: CatalogProjection<D>;
  private readonly documents: ReadCollection<CatalogDocument<D>>;
  private readonly openedSites = new Set<string>();

  constructor(
    private readonly spec: CatalogSpec<D>,
    events: EventStore,
    readStore: ReadStore,
    logger: ProjectionLogger,
  ) {
    this.repository = new CatalogRepository(events, spec);
    this.projection = new CatalogProjection(spec, events, readStore, logger);
    this.documents = readStore.collection<CatalogDocument<D>>(spec.collection);
  }

  /** Runs a decision and returns once the read model shows its outcome. */
  async decide<R>(context: RequestContext, decision: (state: Catalog<D>) => Decision<R>): Promise<{ result: R; state: Catalog<D> }> {
    const outcome = await this.repository.decide(context, (state) => {
      const decided = decision(state);
      return decided.events.length > 0 ? { ...decided, events: [...this.spec.open(state), ...decided.events.filter((e) => e.type !== this.spec.eventTypes.opened)] } : decided;
    });
    if (outcome.appended) await this.projection.runner.waitFor(outcome.appended.position);
    this.openedSites.add(context.siteId);
    return outcome;
  }

  async get(context: RequestContext, key: string): Promise<Dated<D>> {
    await this.ensureOpened(context);
    const doc = await this.documents.findOne({ _id: catalogDocumentId(context.siteId, key) });
    if (doc && !doc.deleted) return doc.definition;
    // The read model may lag behind a write made through another instance: ask the stream.
    const { state } = await this.repository.load(context.siteId);
    const definition = state.entries.get(key);
    if (!definition) throw this.spec.notFound(key);
    return definition;
  }

  async list(context: RequestContext, payload: CatalogListPayload): Promise<CatalogPage<D>> {
    const filter: MongoFilter = {};
    if (payload.type && payload.type !== 'UNKNOWN') filter[`definition.${this.spec.typeProperty}`] = payload.type;
    if (payload.namespace) filter['definition.namespace'] = payload.namespace;
    if (payload.startsWith) filter['definition.displayName'] = { $regex: `^${escapeRegex(payload.startsWith)}` };
    return this.page(context, filter, payload.sort?.fieldName ? [payload.sort] : undefined, payload.paging);
  }

  async query(context: RequestContext, payload: CatalogQueryPayload): Promise<CatalogPage<D>> {
    return this.page(context, translateFilter(payload.filter, this.spec.fields), payload.sort, payload.paging);
  }

  private async page(
    context: RequestContext,
    filter: MongoFilter,
    sort: CatalogQueryPayload['sort'],
    paging: CatalogQueryPayload['paging'],
  ): Promise<CatalogPage<D>> {
    await this.ensureOpened(context);
    const { limit, offset } = resolvePaging(paging, this.spec.paging);
    const mongoSort = translateSort(sort, this.spec.fields, DEFAULT_SORT, 'definition.key');
    const scoped = { siteId: context.siteId, deleted: false, ...(Object.keys(filter).length > 0 && { $and: [filter] }) };
    const { docs, total } = await this.documents.findPage(scoped, { sort: mongoSort, skip: offset, limit });
    return { items: docs.map((doc) => doc.definition), paging: { count: docs.length, offset, total, tooManyToCount: false } };
  }

  private async ensureOpened(context: RequestContext): Promise<void> {
    if (this.openedSites.has(context.siteId)) return;
    await this.decide(context, (state) => ({ events: this.spec.open(state), result: undefined }));
  }
}
