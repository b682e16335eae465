import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ContactsPatterns, CreateContactBody, FacetsQueryBody, LabelKeysBody, MergeContactsBody, PreviewMergeBody, QueryContactsBody, RequestContext, UpdateContactBody } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Caller, RequirePermission } from '../auth/decorators';
import { ApiGuidPath, GuidParam, requireLabelKeys } from '../http/id-params';
import { listParam, QueryParams, single } from '../http/query-params';
import { CONTACTS_CLIENT } from '../service-clients';

const ContactIdPath = () => ApiGuidPath('id', 'The contact id');

/** Contacts v4, under `/contacts/v4` and the `/_api/contacts/v4` prefix Wix's SDK uses off wixapis.com. */
@ApiTags('Contacts')
@ApiSecurity('apiKey')
@ApiHeader({ name: 'wix-site-id', required: true, description: 'The site the call acts on' })
@Controller(['contacts/v4/contacts', '_api/contacts/v4/contacts'])
export class ContactsController {
  constructor(@Inject(CONTACTS_CLIENT) private readonly contacts: ServiceClient) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('CONTACTS.MODIFY')
  @ApiOperation({ summary: 'Create Contact', description: '409 DUPLICATE_CONTACT_EXISTS when the email (or, with no email, the phone) is taken, unless allowDuplicates.' })
  @ApiOkResponse({ description: '{ contact }' })
  create(@Caller() context: RequestContext, @Body() body: CreateContactBody) {
    return this.send(ContactsPatterns.create, context, { info: body.info, allowDuplicates: body.allowDuplicates });
  }

  @Post('query')
  @HttpCode(200)
  @RequirePermission('CONTACTS.VIEW')
  @ApiOperation({ summary: 'Query Contacts', description: 'Body { query: { filter, sort, paging or cursorPaging, fieldsets, fields }, search } or the same keys at top level.' })
  @ApiOkResponse({ description: '{ contacts, pagingMetadata }' })
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
  @ApiOperation({ summary: 'List Contacts', description: 'Query params sort.fieldName, sort.order, paging.limit, paging.offset, fieldsets, fields.' })
  @ApiOkResponse({ description: '{ contacts, pagingMetadata }' })
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
  @ApiOperation({ summary: 'List Facets', description: 'Contact counts: all, not labelled, per label, per subscription and membership status.' })
  @ApiOkResponse({ description: '{ facets, pagingMetadata }' })
  listFacets(@Caller() context: RequestContext, @Query() params: QueryParams) {
    return this.send(ContactsPatterns.facets, context, { paging: { limit: single(params, 'paging.limit'), offset: single(params, 'paging.offset') } });
  }

  @Post('facets/query')
  @HttpCode(200)
  @RequirePermission('CONTACTS.VIEW')
  @ApiOperation({ summary: 'Query Facets', description: 'Filters: info.extendedFields.emailSubscriptions.effectiveEmail ($exists), .subscriptionStatus and .deliverabilityStatus ($eq $ne $in $nin).' })
  @ApiOkResponse({ description: '{ facets, pagingMetadata }' })
  queryFacets(@Caller() context: RequestContext, @Body() body: FacetsQueryBody) {
    return this.send(ContactsPatterns.facets, context, { filter: body.filter ?? body.query?.filter, paging: body.paging });
  }

  @Get(':id/history')
  @RequirePermission('CONTACTS.VIEW')
  @ApiOperation({ summary: 'Contact history', description: "The contact's events, oldest first: revision, type, time, actor and changed fields. paging.limit (default 50, max 1000), paging.offset." })
  @ContactIdPath()
  @ApiOkResponse({ description: '{ events, pagingMetadata }' })
  history(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string, @Query() params: QueryParams) {
    return this.send(ContactsPatterns.history, context, { contactId, paging: { limit: single(params, 'paging.limit'), offset: single(params, 'paging.offset') } });
  }

  @Get(':id')
  @RequirePermission('CONTACTS.VIEW')
  @ApiOperation({ summary: 'Get Contact', description: 'With `asOf=<ISO time>`, the contact as it was at that time.' })
  @ContactIdPath()
  @ApiOkResponse({ description: '{ contact, responseType }' })
  get(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string, @Query() params: QueryParams) {
    const projection = { fieldsets: listParam(params, 'fieldsets'), fields: listParam(params, 'fields') };
    const asOf = single(params, 'asOf');
    if (asOf !== undefined) return this.send(ContactsPatterns.asOf, context, { contactId, asOf, ...projection });
    return this.send(ContactsPatterns.get, context, { contactId, ...projection });
  }

  @Patch(':id')
  @RequirePermission('CONTACTS.MODIFY')
  @ApiOperation({ summary: 'Update Contact', description: 'Each top-level info key present replaces the stored one. 409 REVISION_MISMATCH on a stale revision.' })
  @ContactIdPath()
  @ApiOkResponse({ description: '{ contact }' })
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
  @ApiOperation({ summary: 'Merge Contacts', description: 'Up to 5 sources into the target (its revision checked); the target keeps its data, sources are deleted. Irreversible.' })
  @ContactIdPath()
  @ApiOkResponse({ description: '{ contact }' })
  merge(@Caller() context: RequestContext, @Param('id', GuidParam) targetContactId: string, @Body() body: MergeContactsBody) {
    return this.send(ContactsPatterns.merge, context, { targetContactId, targetContactRevision: body.targetContactRevision, sourceContactIds: body.sourceContactIds });
  }

  @Post(':id/preview-merge')
  @HttpCode(200)
  @RequirePermission('CONTACTS.VIEW')
  @ApiOperation({ summary: 'Preview Merge Contacts', description: 'The target as a merge would leave it; nothing is stored.' })
  @ContactIdPath()
  @ApiOkResponse({ description: '{ contact }' })
  previewMerge(@Caller() context: RequestContext, @Param('id', GuidParam) targetContactId: string, @Body() body: PreviewMergeBody) {
    return this.send(ContactsPatterns.previewMerge, context, { targetContactId, sourceContactIds: body.sourceContactIds });
  }

  @Post(':id/labels')
  @HttpCode(200)
  @RequirePermission('CONTACTS.MODIFY')
  @ApiOperation({ summary: 'Label Contact', description: 'Labels must exist; unknown keys are a 404 naming them, and nothing is applied.' })
  @ContactIdPath()
  @ApiOkResponse({ description: '{ contact }' })
  label(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string, @Body() body: LabelKeysBody) {
    return this.send(ContactsPatterns.label, context, { contactId, labelKeys: requireLabelKeys(body.labelKeys) });
  }

  @Delete(':id/labels')
  @RequirePermission('CONTACTS.MODIFY')
  @ApiOperation({ summary: 'Unlabel Contact', description: 'Label keys as repeated `labelKeys` query parameters (as the SDK sends them) or in a JSON body.' })
  @ContactIdPath()
  @ApiOkResponse({ description: '{ contact }' })
  unlabel(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string, @Query() params: QueryParams, @Body() body: LabelKeysBody | undefined) {
    return this.send(ContactsPatterns.unlabel, context, { contactId, labelKeys: requireLabelKeys(listParam(params, 'labelKeys') ?? body?.labelKeys) });
  }

  @Delete(':id')
  @RequirePermission('CONTACTS.DELETE')
  @ApiOperation({ summary: 'Delete Contact' })
  @ContactIdPath()
  @ApiOkResponse({ description: '{}' })
  delete(@Caller() context: RequestContext, @Param('id', GuidParam) contactId: string) {
    return this.send(ContactsPatterns.delete, context, { contactId });
  }

  private send(pattern: string, context: RequestContext, payload: object) {
    return this.contacts.forward(pattern, { context, payload });
  }
}
