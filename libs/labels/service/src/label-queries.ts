import { catalogDocumentId, CatalogPage, COMMON_DEFINITION_FIELDS, definitionField, definitionPage, listFilter, listSort, PageRequest } from '@cp/catalog-application';
import { CatalogListPayload, CatalogQueryPayload, RequestContext } from '@cp/contracts';
import { EventStore } from '@cp/event-store';
import { Label, LabelDefinition, requireLabel } from '@cp/labels-domain';
import { FieldTable, translateFilter } from '@cp/query';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { LABELS_COLLECTION, LabelDocument } from './labels-projection';
import { foldLabelEvents, labelsStream } from './labels-stream';

/** API.md §7.3; the query operators of §7.2 also apply. */
export const LABEL_FIELDS: FieldTable = {
  fields: {
    ...COMMON_DEFINITION_FIELDS,
    labelType: definitionField('labelType', 'string', ['$eq']),
  },
};

const PAGING = { limit: 1000, max: 2000 };

/** Get, List and Query Labels, from the read model; each opens the site's catalog first. */
export class LabelQueries {
  private readonly documents: ReadCollection<LabelDocument>;

  constructor(
    private readonly store: EventStore,
    readStore: ReadStore,
    private readonly catalogs: { ensureOpened(context: RequestContext): Promise<void> },
  ) {
    this.documents = readStore.collection<LabelDocument>(LABELS_COLLECTION);
  }

  async get(context: RequestContext, key: string): Promise<Label> {
    await this.catalogs.ensureOpened(context);
    const doc = await this.documents.findOne({ _id: catalogDocumentId(context.siteId, key) });
    if (doc && !doc.deleted) return doc.definition;
    // The read model may lag behind a write made through another instance: ask the stream.
    return requireLabel(foldLabelEvents(await this.store.readStream(labelsStream(context.siteId))), key);
  }

  async list(context: RequestContext, payload: CatalogListPayload): Promise<CatalogPage<LabelDefinition>> {
    return this.page(context, { filter: listFilter(payload, 'labelType'), sort: listSort(payload), paging: payload.paging });
  }

  async query(context: RequestContext, payload: CatalogQueryPayload): Promise<CatalogPage<LabelDefinition>> {
    return this.page(context, { filter: translateFilter(payload.filter, LABEL_FIELDS), sort: payload.sort, paging: payload.paging });
  }

  private async page(context: RequestContext, request: PageRequest): Promise<CatalogPage<LabelDefinition>> {
    await this.catalogs.ensureOpened(context);
    return definitionPage(this.documents, context.siteId, request, { fields: LABEL_FIELDS, paging: PAGING });
  }
}
