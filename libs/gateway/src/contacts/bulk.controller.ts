import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiPagingQuery, Operation } from '../openapi';
import { BulkByFilterBody, BulkLabelsBody, BulkUpdateBody, ContactsPatterns, RequestContext } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Caller, RequirePermission } from '../auth/decorators';
import { ApiGuidPath, GuidParam } from '../http/id-params';
import { QueryParams, single } from '../http/query-params';
import { CONTACTS_CLIENT } from '../service-clients';

/** Bulk operations run as jobs: the call answers `{ jobId }` at once; the job reports its progress. */
@ApiTags('Bulk jobs')
@Controller(['contacts/v4/bulk', '_api/contacts/v4/bulk'])
export class BulkController {
  constructor(@Inject(CONTACTS_CLIENT) private readonly contacts: ServiceClient) {}

  @Post('contacts/delete')
  @HttpCode(200)
  @RequirePermission('CONTACTS.DELETE')
  @Operation({ id: 'bulkDeleteContacts', answer: 'BulkJobStarted', summary: 'Bulk Delete Contacts', description: 'Deletes the contacts matching the filter and/or search (members are skipped, with an error on the job).' })
  delete(@Caller() context: RequestContext, @Body() body: BulkByFilterBody) {
    return this.create(context, { type: 'DELETE', filter: body.filter, search: body.search });
  }

  @Post('contacts/update')
  @HttpCode(200)
  @RequirePermission('CONTACTS.MODIFY')
  @Operation({ id: 'bulkUpdateContacts', answer: 'BulkJobStarted', summary: 'Bulk Update Contacts' })
  update(@Caller() context: RequestContext, @Body() body: BulkUpdateBody) {
    return this.create(context, { type: 'UPDATE', filter: body.filter, search: body.search, info: body.info });
  }

  @Post('contacts/add-remove-labels')
  @HttpCode(200)
  @RequirePermission('CONTACTS.MODIFY')
  @Operation({ id: 'bulkLabelAndUnlabelContacts', answer: 'BulkJobStarted', errors: [404], summary: 'Bulk Label And Unlabel Contacts', description: 'The labels must exist (404 naming the unknown ones).' })
  labels(@Caller() context: RequestContext, @Body() body: BulkLabelsBody) {
    const add = body.labelKeysToAdd ?? [];
    const remove = body.labelKeysToRemove ?? [];
    const type = add.length && remove.length ? 'ADD_REMOVE_LABELS' : add.length ? 'ADD_LABELS' : 'REMOVE_LABELS';
    return this.create(context, { type, filter: body.filter, search: body.search, labelKeysToAdd: add, labelKeysToRemove: remove });
  }

  @Get('jobs/:id')
  @RequirePermission('CONTACTS.MODIFY')
  @Operation({ id: 'getBulkJob', answer: 'BulkJobResponse', errors: [404], summary: 'Get Bulk Job' })
  @ApiGuidPath('id', 'The bulk job id')
  get(@Caller() context: RequestContext, @Param('id', GuidParam) jobId: string) {
    return this.contacts.forward(ContactsPatterns.bulkGet, { context, payload: { jobId } });
  }

  @Get('jobs')
  @RequirePermission('CONTACTS.MODIFY')
  @ApiPagingQuery('default 100, at most 100')
  @Operation({ id: 'listBulkJobs', answer: 'BulkJobsList', summary: 'List Bulk Jobs', description: 'Newest first, at most 100 per request (paging.limit, paging.offset).' })
  list(@Caller() context: RequestContext, @Query() params: QueryParams) {
    return this.contacts.forward(ContactsPatterns.bulkList, { context, payload: { paging: { limit: single(params, 'paging.limit'), offset: single(params, 'paging.offset') } } });
  }

  private create(context: RequestContext, spec: object) {
    return this.contacts.forward(ContactsPatterns.bulkCreate, { context, payload: spec });
  }
}
