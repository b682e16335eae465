import { ContactState, ContactView, emailAddresses, EmailStatuses, toContactView } from '@cp/contacts-domain';
import { CursorPagingMetadata, GetContactPayload, ListContactsPayload, PagingMetadata, QueryContactsPayload, RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import {
  Anchor,
  anchorOf,
  checkFilterLimits,
  COMPARISON,
  conjunction,
  decodeCursor,
  encodeCursor,
  invalidCursor,
  FieldRule,
  FieldTable,
  MongoFilter,
  project,
  resolvePaging,
  resolveProjection,
  reversedSort,
  rowsAfter,
  STRING_OPS,
  translateFilter,
  translateSort,
} from '@cp/query';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { ContactRepository } from './contact-repository';
import { searchClauses } from './contact-search';
import {
  CONTACT_FIELDS,
  CONTACT_PROJECTION,
  CONTACTS_COLLECTION,
  ContactDocument,
  contactDocumentId,
  extendedFieldPath,
  stateOf,
  viewOf,
} from './contact-read-model';
import { EMAIL_SUBSCRIPTIONS_COLLECTION, EmailSubscriptionDocument, readStatuses, statusesOf } from './email-subscription-read-model';
import { Definitions, FieldInfo } from './definitions';

/** A contact and the revision it had (an export's snapshot). */
export interface ContactAtRevision {
  id: string;
  revision: number;
}

export interface ContactPage {
  contacts: Partial<ContactView>[];
  pagingMetadata: PagingMetadata | CursorPagingMetadata;
}

/** What a cursor carries: the query it pages, as the client sent it. */
type CursorQuery = Pick<QueryContactsPayload, 'filter' | 'sort' | 'search'>;

const PAGING = { limit: 50, max: 1000 };
const DEFAULT_SORT = { 'state.createdDate': -1 as const };
/**
 * A search counts its matches up to this many (a broad word such as "e" matches most contacts,
 * and counting them all costs more than the page): past it, `total` is this and
 * `tooManyToCount` says there are more, as HubSpot caps a search's total at 10,000.
 */
const SEARCH_COUNT_LIMIT = 10_000;
/** Contacts a bulk job's selection looks at per turn of the event loop. */
const SCAN_BATCH = 2_000;

/** The read side of contacts: everything is scoped to the caller's site. */
export class ContactQueries {
  private readonly contacts: ReadCollection<ContactDocument>;
  private readonly subscriptions: ReadCollection<EmailSubscriptionDocument>;

  constructor(
    readStore: ReadStore,
    private readonly repository: ContactRepository,
    private readonly definitions: Definitions,
    private readonly searchCountLimit = SEARCH_COUNT_LIMIT,
  ) {
    this.contacts = readStore.collection<ContactDocument>(CONTACTS_COLLECTION);
    this.subscriptions = readStore.collection<EmailSubscriptionDocument>(EMAIL_SUBSCRIPTIONS_COLLECTION);
  }

  /** The statuses of a contact's addresses, for a view the read model does not hold yet (a command's answer). */
  statusesOf(siteId: string, state: ContactState): Promise<EmailStatuses> {
    return readStatuses(this.subscriptions, siteId, emailAddresses(state.info));
  }

  /**
   * By id from the read model, falling back to the event stream if the projection has not caught
   * up. The id of a contact merged away answers with its target, `responseType: MERGED`.
   */
  async get(context: RequestContext, payload: GetContactPayload): Promise<{ contact: Partial<ContactView>; responseType: string }> {
    const paths = resolveProjection(CONTACT_PROJECTION, payload.fieldsets, payload.fields);
    let found = await this.contact(context.siteId, payload.contactId);
    let responseType = 'REGULAR';
    for (let hops = 0; found?.state.deleted && found.state.mergedInto && hops < 10; hops++) {
      found = await this.contact(context.siteId, found.state.mergedInto);
      responseType = 'MERGED';
    }
    if (!found || found.state.deleted) throw AppError.notFound('CONTACT_NOT_FOUND', `No contact with id ${payload.contactId}`);
    return { contact: project(toContactView(found.state, found.statuses), paths), responseType };
  }

  private async contact(siteId: string, contactId: string): Promise<{ state: ContactState; statuses: EmailStatuses } | undefined> {
    const doc = await this.contacts.findOne({ _id: contactDocumentId(siteId, contactId) }, { readOnly: true });
    if (doc) return { state: stateOf(doc), statuses: statusesOf(doc.subscriptions) };
    const { state } = await this.repository.load(siteId, contactId);
    return state && { state, statuses: await this.statusesOf(siteId, state) };
  }

  async list(context: RequestContext, payload: ListContactsPayload): Promise<ContactPage> {
    return this.page(context, [], payload.sort ? [payload.sort] : undefined, payload);
  }

  async query(context: RequestContext, payload: QueryContactsPayload): Promise<ContactPage> {
    if (payload.cursorPaging) return this.cursorPage(context, payload);
    const fields = await this.fieldTable(context, payload.filter, payload.sort);
    const clauses: MongoFilter[] = [translateFilter(payload.filter, fields)];
    const search = searchClauses(payload.search);
    return this.page(context, [...clauses, ...search], payload.sort, payload, fields, search.length > 0 ? this.searchCountLimit : undefined);
  }

  /**
   * A page of a query by cursor: the first one from the query, each next (or previous) one from
   * a cursor of the page before, which carries the query and the row to resume from. Rows are
   * found by their sort keys (keyset paging), so a sync can walk a million contacts at the cost
   * of the first page each time, and a contact created or deleted meanwhile shifts nothing.
   */
  private async cursorPage(context: RequestContext, payload: QueryContactsPayload): Promise<ContactPage> {
    const { cursorPaging } = payload;
    if (payload.paging) throw AppError.invalidField('paging', 'cannot be combined with cursorPaging');
    const { limit } = resolvePaging({ limit: cursorPaging?.limit }, PAGING, 'cursorPaging');
    let query: CursorQuery = { filter: payload.filter, sort: payload.sort, search: payload.search };
    let from: { anchor: Anchor; direction: 'next' | 'prev' } | undefined;
    if (typeof cursorPaging?.cursor === 'string' && cursorPaging.cursor !== '') {
      if (payload.filter !== undefined || payload.sort !== undefined || (payload.search !== undefined && payload.search !== null)) {
        throw AppError.invalidField('cursorPaging.cursor', 'cannot be combined with filter, sort or search: the cursor carries its query');
      }
      const state = decodeCursor(cursorPaging.cursor, 'cursorPaging.cursor');
      const { filter, sort, search } = state.query;
      const wellFormed = (filter === undefined || typeof filter === 'object') && (sort === undefined || Array.isArray(sort)) && (search === undefined || typeof search === 'string');
      if (!wellFormed) throw invalidCursor('cursorPaging.cursor');
      query = state.query as CursorQuery;
      from = { anchor: state.anchor, direction: state.direction };
    }
    const fields = await this.fieldTable(context, query.filter, query.sort);
    const clauses: MongoFilter[] = [translateFilter(query.filter, fields), ...searchClauses(query.search)];
    const sort = translateSort(query.sort?.filter((s) => s !== undefined), fields, DEFAULT_SORT, 'seq');
    const backwards = from?.direction === 'prev';
    const order = backwards ? reversedSort(sort) : sort;
    // One more than the page tells whether there is a page after it; after an anchor, its rows
    // are read range by range (sqlite and MongoDB serve each from the sort's index).
    const rows: ContactDocument[] = [];
    for (const segment of from ? rowsAfter(order, from.anchor) : [undefined]) {
      if (rows.length > limit) break;
      const filter = conjunction([{ siteId: context.siteId, deleted: false }, ...clauses, ...(segment ? [segment] : [])]);
      rows.push(...(await this.contacts.find(filter, { sort: order, limit: limit + 1 - rows.length, readOnly: true })));
    }
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    if (backwards) page.reverse();
    const hasNext = backwards ? true : more;
    const hasPrev = backwards ? more : from !== undefined;
    const cursorAt = (row: ContactDocument | undefined, direction: 'next' | 'prev') => (row ? encodeCursor({ query, anchor: anchorOf(row, sort), direction }) : null);
    const paths = resolveProjection(CONTACT_PROJECTION, payload.fieldsets, payload.fields);
    // A page before which every row has gone since: its next page starts where this cursor stood.
    const next = page.length === 0 && backwards && from ? encodeCursor({ query, anchor: from.anchor, direction: 'next' }) : hasNext ? cursorAt(page[page.length - 1], 'next') : null;
    return {
      contacts: page.map((doc) => project(viewOf(doc), paths)),
      pagingMetadata: { count: page.length, cursors: { next, prev: hasPrev ? cursorAt(page[0], 'prev') : null }, hasNext: next !== null },
    };
  }

  /**
   * The contact field table plus the extended fields the query names, each with the operators
   * of its data type; a key that is not a field of the site is refused like any unknown field.
   * The filter's size is checked first: each key may cost a look-up at the extended-fields service.
   */
  private async fieldTable(context: RequestContext, filter: unknown, sort: QueryContactsPayload['sort']): Promise<FieldTable> {
    checkFilterLimits(filter);
    const keys = new Set<string>();
    collectExtendedKeys(filter, keys);
    for (const item of Array.isArray(sort) ? sort : []) {
      const name = item?.fieldName;
      if (typeof name === 'string' && name.startsWith(EXTENDED_PREFIX)) keys.add(name.slice(EXTENDED_PREFIX.length));
    }
    if (keys.size === 0) return CONTACT_FIELDS;
    const rules = new Map<string, FieldRule>();
    for (const key of keys) {
      const definition = await this.definitions.field(context, key);
      // In the order the translator meets them: it refuses this unknown key before any later one, so those need no look-up.
      if (!definition) break;
      rules.set(`${EXTENDED_PREFIX}${key}`, extendedFieldRule(key, definition.dataType));
    }
    return { fields: CONTACT_FIELDS.fields, resolveDynamic: (name) => rules.get(name) };
  }

  /** Ids of the contacts a filter and search match, newest first (what a bulk job acts on). */
  async matchingIds(context: RequestContext, filter: Record<string, unknown> | undefined, search: string | undefined): Promise<string[]> {
    return (await this.matchingRevisions(context, filter, search)).map((match) => match.id);
  }

  /** The contacts a filter and search match, newest first, each with its revision now (what an export fixes). */
  async matchingRevisions(context: RequestContext, filter: Record<string, unknown> | undefined, search: string | undefined): Promise<ContactAtRevision[]> {
    const clauses: MongoFilter[] = [{ siteId: context.siteId, deleted: false }, translateFilter(filter, await this.fieldTable(context, filter, undefined)), ...searchClauses(search)];
    // Newest first, the order List Contacts pages in, which an ordering index serves: a scan in
    // batches lets other requests run (one read of 100k contacts held the event loop 0.5–1.5 s).
    const matches: ContactAtRevision[] = [];
    const scan = this.contacts.scan(conjunction(clauses), { sort: { ...DEFAULT_SORT, seq: -1 }, batchSize: SCAN_BATCH, projection: { 'state.id': 1, 'state.revision': 1 } });
    for await (const batch of scan) for (const doc of batch) matches.push({ id: doc.state.id, revision: doc.state.revision });
    return matches;
  }

  /**
   * The views of these contacts as they were at these revisions, one per contact given (undefined
   * where its stream holds no such revision): from the read model when the contact has not
   * changed since, else folded from its stream up to the revision.
   */
  async viewsAt(context: RequestContext, contacts: readonly ContactAtRevision[]): Promise<(ContactView | undefined)[]> {
    const docs = await this.contacts.find({ _id: { $in: contacts.map((c) => contactDocumentId(context.siteId, c.id)) } }, { readOnly: true });
    const current = new Map(docs.map((doc) => [doc.state.id, doc]));
    const views: (ContactView | undefined)[] = [];
    for (const { id, revision } of contacts) {
      const doc = current.get(id);
      if (doc && doc.state.revision === revision && !doc.state.deleted) views.push(toContactView(stateOf(doc), statusesOf(doc.subscriptions)));
      else {
        const state = await this.repository.loadAt(context.siteId, id, revision);
        views.push(state && toContactView(state, await this.statusesOf(context.siteId, state)));
      }
    }
    return views;
  }

  private async page(
    context: RequestContext,
    clauses: readonly MongoFilter[],
    sort: ListContactsPayload['sort'][] | undefined,
    payload: ListContactsPayload | QueryContactsPayload,
    fields: FieldTable = CONTACT_FIELDS,
    countLimit?: number,
  ): Promise<ContactPage> {
    const paths = resolveProjection(CONTACT_PROJECTION, payload.fieldsets, payload.fields);
    const { limit, offset } = resolvePaging(payload.paging, PAGING);
    const mongoSort = translateSort(sort?.filter((s) => s !== undefined), fields, DEFAULT_SORT, 'seq');
    const scoped = conjunction([{ siteId: context.siteId, deleted: false }, ...clauses]);
    const counting = countLimit === undefined ? {} : { countLimit: countLimit + 1 };
    const { docs, total } = await this.contacts.findPage(scoped, { sort: mongoSort, skip: offset, limit, readOnly: true, ...counting });
    const tooManyToCount = countLimit !== undefined && total > countLimit;
    return {
      contacts: docs.map((doc) => project(viewOf(doc), paths)),
      pagingMetadata: { count: docs.length, offset, total: tooManyToCount ? countLimit : total, tooManyToCount },
    };
  }
}

const EXTENDED_PREFIX = 'info.extendedFields.';

function collectExtendedKeys(filter: unknown, keys: Set<string>): void {
  if (Array.isArray(filter)) return filter.forEach((item) => collectExtendedKeys(item, keys));
  if (typeof filter !== 'object' || filter === null) return;
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith(EXTENDED_PREFIX)) keys.add(key.slice(EXTENDED_PREFIX.length));
    else if (key.startsWith('$')) collectExtendedKeys(value, keys);
  }
}

/** Operators by data type (API.md §6.2): text-like fields compare as text, numbers and dates by order. */
function extendedFieldRule(key: string, dataType: FieldInfo['dataType']): FieldRule {
  const path = extendedFieldPath(key);
  switch (dataType) {
    case 'NUMBER':
      return { path, kind: 'number', operators: [...COMPARISON, '$in', '$nin', '$exists'], sortable: true };
    case 'DATE':
      return { path, kind: 'string', operators: [...COMPARISON, '$exists'], sortable: true };
    default:
      return { path, kind: 'string', operators: STRING_OPS, sortable: true };
  }
}
