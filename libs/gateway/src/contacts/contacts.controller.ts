import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiContactProjectionQuery, ApiPagingQuery, ApiQueryParam, ApiSortQuery, Operation } from '../openapi';
import { ContactsPatterns, CreateContactBody, DEFINITION_KEY_SCHEMA, FacetsQueryBody, LabelKeysBody, MergeContactsBody, PreviewMergeBody, QueryContactsBody, RequestContext, UpdateContactBody } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Caller, RequirePermission } from '../auth/decorators';
import { ApiGuidPath, GuidParam, requireLabelKeys } from '../http/id-params';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '../http/idempotency-key';
import { listParam, QueryParams, single } from '../http/query-params';
import { CONTACTS_CLIENT } from '../service-clients';

const ContactIdPath = () => ApiGuidPath('id', 'The contact id');

/** Contacts v4, under `/contacts/v4` and the `/_api/contacts/v4` prefix Wix's SDK uses off wixapis.com. */
@ApiTags('Contacts')
@Controller(['contacts/v4/contacts', '_api/contacts/v4/contacts'])
export class ContactsController {
  constructor(@Inject(CONTACTS_CLIENT) private readonly contacts: ServiceClient) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('CONTACTS.MODIFY')
  @Operation({ id: 'createContact', answer: 'ContactResponse', errors: [409], summary: 'Create Contact', description: '409 DUPLICATE_CONTACT_EXISTS when the email (or, with no email, the phone) is taken, unless allowDuplicates.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A key of your choosing (e.g. a UUID): the same create sent again with it answers the contact the first made; with a different body, 409 IDEMPOTENCY_KEY_REUSED.' })
  create(@Caller() context: RequestContext, @Body() body: CreateContactBody, @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKey: string | string[] | undefined) {
    const payload = { info: body.info, allowDuplicates: body.allowDuplicates, idempotencyKey: idempotencyKeyOf(idempotencyKey) };
    // Deduplicated by its key, so a create whose replica died before answering is sent again.
    return this.contacts.forward(ContactsPatterns.create, { context, payload }, { retryOnTimeout: true });
  }

  @Post('query')
  @HttpCode(200)
  @RequirePermission('CONTACTS.VIEW')
  @Operation({ id: 'queryContacts', answer: 'ContactsPage', summary: 'Query Contacts', description: 'Body { query: { filter, sort, paging or cursorPaging, fieldsets, fields }, search } or the same keys at top level.' })
  query(@Caller() context: RequestContext, @Body() body: QueryContactsBody) {
    const query = body.query ?? {};
    return this.send(ContactsPatterns.query, context, {
      filter: query.filter ?? body.filter,
      sort: query.sort ?? body.sort,
      paging: query.paging ?? body.paging,
      cursorPaging: query.cursorPaging ?? body.cursorPaging,
      fieldsets: query.fieldsets ?? body.fieldsets,
      fields: query.fields ?? body.fields,
      search: body.search,
    });
  }

  @Get()
  @RequirePermission('CONTACTS.VIEW')
  @ApiSortQuery()
  @ApiPagingQuery('default 50, at most 1000')
  @ApiContactProjectionQuery()
  @Operation({ id: 'listContacts', answer: 'ContactsPage', summary: 'List Contacts', description: 'Query params sort.fieldName, sort.order, paging.limit, paging.offset, fieldsets, fields.' })
  list(@Caller() context: RequestContext, @Query() params: QueryParams) {
    const fieldName = single(params, 'sort.fieldName');
    return this.send(ContactsPatterns.list, context, {
      sort: fieldName ? { fieldName, order: single(params, 'sort.order') } : undefined,
      paging: { limit: single(params, 'paging.limit'), offset: single(params, 'paging.offset') },
      fieldsets: listParam(params, 'fieldsets'),
      fields: listParam(params, 'fields'),
    });
  }

  @Get('facets')
  @RequirePermission('CONTACTS.VIEW')
  @ApiPagingQuery('default 1000, at most 1000')
  @Operation({ id: 'listFacets', answer: 'FacetsPage', summary: 'List Facets', description: 'Contact counts: all, not labelled, per label, per subscription and membership status.' })
  listFacets(@Caller() context: RequestContext, @Query() params: QueryParams) {
    return this.send(ContactsPatterns.facets, context, { paging: { limit: single(params, 'paging.limit'), offset: single(params, 'paging.offset') } });
  }

  @Post('facets/query')
  @HttpCode(200)
  @RequirePermission('CONTACTS.VIEW')
  @Operation({ id: 'queryFacets', answer: 'FacetsPage', summary: 'Query Facets', description: 'Filters: info.extendedFields.emailSubscriptions.effectiveEmail ($exists), .subscriptionStatus and .deliverabilityStatus ($eq $ne $in $nin).' })
  queryFacets(@Caller() context: RequestContext, @Body() body: FacetsQueryBody) {
    return this.send(ContactsPatterns.facets, context, { filter: body.filter ?? body.query?.filter, paging: body.paging });
  }

  @Get(':id/history')
  @RequirePermission('CONTACTS.VIEW')
  @ApiPagingQuery('default 50, at most 1000')
  @Operation({ id: 'getContactHistory', answer: 'ContactHistory', errors: [404], summary: 'Contact history', description: "The contact's events, oldest first: revision, type, time, actor and changed fields. paging.limit (default 50, max 1000), paging.offset." })
  @ContactIdPath()
  history(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string, @Query() params: QueryParams) {
    return this.send(ContactsPatterns.history, context, { contactId, paging: { limit: single(params, 'paging.limit'), offset: single(params, 'paging.offset') } });
  }

  @Get(':id')
  @RequirePermission('CONTACTS.VIEW')
  @ApiContactProjectionQuery()
  @ApiQueryParam('asOf', { type: 'string', format: 'date-time' }, 'The contact as it was at this time')
  @Operation({ id: 'getContact', answer: 'GetContactResponse', errors: [404], summary: 'Get Contact', description: 'With `asOf=<ISO time>`, the contact as it was at that time.' })
  @ContactIdPath()
  get(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string, @Query() params: QueryParams) {
    const projection = { fieldsets: listParam(params, 'fieldsets'), fields: listParam(params, 'fields') };
    const asOf = single(params, 'asOf');
    if (asOf !== undefined) return this.send(ContactsPatterns.asOf, context, { contactId, asOf, ...projection });
    return this.send(ContactsPatterns.get, context, { contactId, ...projection });
  }

  @Patch(':id')
  @RequirePermission('CONTACTS.MODIFY')
  @Operation({ id: 'updateContact', answer: 'ContactResponse', errors: [404, 409], summary: 'Update Contact', description: 'Each top-level info key present replaces the stored one. 409 REVISION_MISMATCH on a stale revision.' })
  @ContactIdPath()
  update(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string, @Body() body: UpdateContactBody) {
    return this.send(ContactsPatterns.update, context, {
      contactId,
      revision: body.revision,
      info: body.info,
      allowDuplicates: body.allowDuplicates,
    });
  }

  @Post(':id/merge')
  @HttpCode(200)
  @RequirePermission('CONTACTS.MERGE')
  @Operation({ id: 'mergeContacts', answer: 'ContactResponse', errors: [404, 409, 428], summary: 'Merge Contacts', description: 'Up to 5 sources into the target (its revision checked); the target keeps its data, sources are deleted. Irreversible.' })
  @ContactIdPath()
  merge(@Caller() context: RequestContext, @Param('id', GuidParam) targetContactId: string, @Body() body: MergeContactsBody) {
    return this.send(ContactsPatterns.merge, context, { targetContactId, targetContactRevision: body.targetContactRevision, sourceContactIds: body.sourceContactIds });
  }

  @Post(':id/preview-merge')
  @HttpCode(200)
  @RequirePermission('CONTACTS.VIEW')
  @Operation({ id: 'previewMergeContacts', answer: 'ContactResponse', errors: [404, 428], summary: 'Preview Merge Contacts', description: 'The target as a merge would leave it; nothing is stored.' })
  @ContactIdPath()
  previewMerge(@Caller() context: RequestContext, @Param('id', GuidParam) targetContactId: string, @Body() body: PreviewMergeBody) {
    return this.send(ContactsPatterns.previewMerge, context, { targetContactId, sourceContactIds: body.sourceContactIds });
  }

  @Post(':id/labels')
  @HttpCode(200)
  @RequirePermission('CONTACTS.MODIFY')
  @Operation({ id: 'labelContact', answer: 'ContactResponse', errors: [404, 409], summary: 'Label Contact', description: 'Labels must exist; unknown keys are a 404 naming them, and nothing is applied.' })
  @ContactIdPath()
  label(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string, @Body() body: LabelKeysBody) {
    return this.send(ContactsPatterns.label, context, { contactId, labelKeys: requireLabelKeys(body.labelKeys) });
  }

  @Delete(':id/labels')
  @RequirePermission('CONTACTS.MODIFY')
  @ApiQueryParam('labelKeys', { type: 'array', items: { ...DEFINITION_KEY_SCHEMA } }, 'The keys to remove (or labelKeys in a JSON body)')
  @ApiBody({ type: LabelKeysBody, required: false })
  @Operation({ id: 'unlabelContact', answer: 'ContactResponse', errors: [404, 409], summary: 'Unlabel Contact', description: 'Label keys as repeated `labelKeys` query parameters (as the SDK sends them) or in a JSON body.' })
  @ContactIdPath()
  unlabel(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string, @Query() params: QueryParams, @Body() body: LabelKeysBody | undefined) {
    return this.send(ContactsPatterns.unlabel, context, { contactId, labelKeys: requireLabelKeys(listParam(params, 'labelKeys') ?? body?.labelKeys) });
  }

  @Post(':id/erase')
  @HttpCode(200)
  @RequirePermission('CONTACTS.ERASE')
  @Operation({
    id: 'eraseContact',
    answer: 'Empty',
    errors: [404, 409, 428],
    summary: 'Erase Contact',
    description:
      'Erases the contact\'s personal data for good, deleted or not (docs/privacy.md): its data key is destroyed, so its history, as-of views, replay exports, the change feed and rebuilds show its events as redacted; its read-model document becomes a marker without personal data, and it gives up its emails and phones; a `contact_deleted` webhook with `triggeredByAnonymizeRequest: true` goes out. Needs SCOPE.CONTACTS.ERASE. Erasing again answers the same and changes nothing.',
  })
  @ContactIdPath()
  erase(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string) {
    return this.send(ContactsPatterns.erase, context, { contactId });
  }

  @Delete(':id')
  @RequirePermission('CONTACTS.DELETE')
  @Operation({ id: 'deleteContact', answer: 'Empty', errors: [404, 409, 428], summary: 'Delete Contact', description: '428 CONTACT_IS_MEMBER for a site member.' })
  @ContactIdPath()
  delete(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string) {
    return this.send(ContactsPatterns.delete, context, { contactId });
  }

  private send(pattern: string, context: RequestContext, payload: object) {
    return this.contacts.forward(pattern, { context, payload });
  }
}
