/** Payloads of the contacts patterns, after the gateway has validated the HTTP request. */
export interface CreateContactPayload {
  info: Record<string, unknown>;
  allowDuplicates?: boolean;
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
  search?: string;
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
