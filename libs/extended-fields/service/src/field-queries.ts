import { catalogDocumentId, CatalogPage, COMMON_DEFINITION_FIELDS, definitionField, definitionPage, listFilter, listSort, PageRequest } from '@cp/catalog-application';
import { CatalogListPayload, CatalogQueryPayload, RequestContext } from '@cp/contracts';
import { EventStore } from '@cp/event-store';
import { ExtendedField, FieldDefinition, requireField } from '@cp/extended-fields-domain';
import { FieldTable, translateFilter } from '@cp/query';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { FIELDS_COLLECTION, FieldDocument } from './fields-projection';
import { fieldsStream, foldFieldEvents } from './fields-stream';

/** API.md §8.3. */
export const EXTENDED_FIELD_FIELDS: FieldTable = {
  fields: {
    ...COMMON_DEFINITION_FIELDS,
    fieldType: definitionField('fieldType', 'string', ['$eq']),
    dataType: definitionField('dataType', 'string', ['$eq', '$ne']),
  },
};

const PAGING = { limit: 100, max: 1000 };

/** Get, List and Query Extended Fields, from the read model, whole (`writable` included); each opens the site's catalog first. */
export class FieldQueries {
  private readonly documents: ReadCollection<FieldDocument>;

  constructor(
    private readonly store: EventStore,
    readStore: ReadStore,
    private readonly catalogs: { ensureOpened(context: RequestContext): Promise<void> },
  ) {
    this.documents = readStore.collection<FieldDocument>(FIELDS_COLLECTION);
  }

  async get(context: RequestContext, key: string): Promise<ExtendedField> {
    await this.catalogs.ensureOpened(context);
    const doc = await this.documents.findOne({ _id: catalogDocumentId(context.siteId, key) });
    if (doc && !doc.deleted) return doc.definition;
    // The read model may lag behind a write made through another instance: ask the stream.
    return requireField(foldFieldEvents(await this.store.readStream(fieldsStream(context.siteId))), key);
  }

  async list(context: RequestContext, payload: CatalogListPayload): Promise<CatalogPage<FieldDefinition>> {
    return this.page(context, { filter: listFilter(payload, 'fieldType'), sort: listSort(payload), paging: payload.paging });
  }

  async query(context: RequestContext, payload: CatalogQueryPayload): Promise<CatalogPage<FieldDefinition>> {
    return this.page(context, { filter: translateFilter(payload.filter, EXTENDED_FIELD_FIELDS), sort: payload.sort, paging: payload.paging });
  }

  private async page(context: RequestContext, request: PageRequest): Promise<CatalogPage<FieldDefinition>> {
    await this.catalogs.ensureOpened(context);
    return definitionPage(this.documents, context.siteId, request, { fields: EXTENDED_FIELD_FIELDS, paging: PAGING });
  }
}
