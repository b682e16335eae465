/** Payloads of the contacts patterns, after the gateway has validated the HTTP request. */
export interface CreateContactPayload {
  info: Record<string, unknown>;
  allowDuplicates?: boolean;
  /**
   * The client's `Idempotency-Key` (or one the gateway made for its own retry): a create sent
   * again with it answers the contact the first one made instead of making another.
   */
  idempotencyKey?: string;
}

export interface UpdateContactPayload {
  contactId: string;
  revision: number;
  info: Record<string, unknown>;
  allowDuplicates?: boolean;
}

export interface DeleteContactPayload {
  contactId: string;
}

export interface ProjectionPayload {
  fieldsets?: string[];
  fields?: string[];
}

export interface GetContactPayload extends ProjectionPayload {
  contactId: string;
}

export interface SortPayload {
  fieldName?: string;
  order?: string;
}

export interface PagingPayload {
  limit?: number | string;
  offset?: number | string;
}

export interface ListContactsPayload extends ProjectionPayload {
  sort?: SortPayload;
  paging?: PagingPayload;
}

export interface QueryContactsPayload extends ProjectionPayload {
  filter?: Record<string, unknown>;
  sort?: SortPayload[];
  paging?: PagingPayload;
  /** Instead of `paging`: a page after (or before) a cursor of an earlier page, which then carries the query. */
  cursorPaging?: CursorPagingPayload;
  search?: string;
}

export interface CursorPagingPayload {
  limit?: number | string;
  cursor?: string | null;
}

/** Wix's paging metadata of a cursor-paged query: no total, cursors to the pages either side. */
export interface CursorPagingMetadata {
  count: number;
  cursors: { next: string | null; prev: string | null };
  hasNext: boolean;
}

export interface PagingMetadata {
  count: number;
  offset: number;
  total: number;
  tooManyToCount: boolean;
}

export interface LabelContactPayload {
  contactId: string;
  labelKeys: string[];
}
