import { ContactView, toContactView } from '@cp/contacts-domain';
import { GetContactPayload, ListContactsPayload, PagingMetadata, QueryContactsPayload, RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { escapeRegex, MongoFilter, project, resolvePaging, resolveProjection, translateFilter, translateSort } from '@cp/query';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { ContactRepository } from './contact-repository';
import {
  CONTACT_FIELDS,
  CONTACT_PROJECTION,
  CONTACTS_COLLECTION,
  ContactDocument,
  contactDocumentId,
  SEARCH_PATHS,
} from './contact-read-model';

export interface ContactPage {
  contacts: Partial<ContactView>[];
  pagingMetadata: PagingMetadata;
}

const PAGING = { limit: 50, max: 1000 };
const DEFAULT_SORT = { 'state.createdDate': -1 as const };
const MAX_SEARCH_LENGTH = 100;

/** The read side of contacts: everything is scoped to the caller's site. */
export class ContactQueries {
  private readonly contacts: ReadCollection<ContactDocument>;

  constructor(
    readStore: ReadStore,
    private readonly repository: ContactRepository,
  ) {
    this.contacts = readStore.collection<ContactDocument>(CONTACTS_COLLECTION);
  }

  /** By id from the read model, falling back to the event stream if the projection has not caught up. */
  async get(context: RequestContext, payload: GetContactPayload): Promise<{ contact: Partial<ContactView>; responseType: string }> {
    const paths = resolveProjection(CONTACT_PROJECTION, payload.fieldsets, payload.fields);
    const doc = await this.contacts.findOne({ _id: contactDocumentId(context.siteId, payload.contactId) });
    const state = doc?.state ?? (await this.repository.load(context.siteId, payload.contactId)).state;
    if (!state || state.deleted) throw AppError.notFound('CONTACT_NOT_FOUND', `No contact with id ${payload.contactId}`);
    return { contact: project(toContactView(state), paths), responseType: 'REGULAR' };
  }

  async list(context: RequestContext, payload: ListContactsPayload): Promise<ContactPage> {
    return this.page(context, {}, payload.sort ? [payload.sort] : undefined, payload);
  }

  async query(context: RequestContext, payload: QueryContactsPayload): Promise<ContactPage> {
    const clauses: MongoFilter[] = [translateFilter(payload.filter, CONTACT_FIELDS)];
    if (payload.search !== undefined && payload.search.trim() !== '') clauses.push(searchFilter(payload.search));
    return this.page(context, { $and: clauses }, payload.sort, payload);
  }

  private async page(
    context: RequestContext,
    filter: MongoFilter,
    sort: ListContactsPayload['sort'][] | undefined,
    payload: ListContactsPayload | QueryContactsPayload,
  ): Promise<ContactPage> {
    const paths = resolveProjection(CONTACT_PROJECTION, payload.fieldsets, payload.fields);
    const { limit, offset } = resolvePaging(payload.paging, PAGING);
    const mongoSort = translateSort(sort?.filter((s) => s !== undefined), CONTACT_FIELDS, DEFAULT_SORT, 'seq');
    const scoped = { siteId: context.siteId, deleted: false, ...(Object.keys(filter).length > 0 && filter) };
    const [docs, total] = await Promise.all([
      this.contacts.find(scoped, { sort: mongoSort, skip: offset, limit }),
      this.contacts.countDocuments(scoped),
    ]);
    return {
      contacts: docs.map((doc) => project(toContactView(doc.state), paths)),
      pagingMetadata: { count: docs.length, offset, total, tooManyToCount: false },
    };
  }
}

function searchFilter(search: string): MongoFilter {
  if (search.length > MAX_SEARCH_LENGTH) throw AppError.invalidField('search', `must be at most ${MAX_SEARCH_LENGTH} characters`, 'MAX_LENGTH');
  const pattern = escapeRegex(search.trim());
  return { $or: SEARCH_PATHS.map((path) => ({ [path]: { $regex: pattern, $options: 'i' } })) };
}
