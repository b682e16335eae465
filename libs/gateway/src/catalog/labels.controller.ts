import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiCatalogListQuery, Operation } from '../openapi';
import { CatalogQueryBody, FindOrCreateLabelBody, LabelsPatterns, RenameLabelBody, RequestContext } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Caller, RequirePermission } from '../auth/decorators';
import { ApiKeyPath, DefinitionKeyParam } from '../http/id-params';
import { QueryParams } from '../http/query-params';
import { LABELS_CLIENT } from '../service-clients';
import { catalogListPayload, catalogQueryPayload } from './catalog-params';

@ApiTags('Labels')
@Controller(['contacts/v4/labels', '_api/contacts/v4/labels'])
export class LabelsController {
  constructor(@Inject(LABELS_CLIENT) private readonly labels: ServiceClient) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('CONTACTS_LABELS.MODIFY')
  @Operation({ id: 'findOrCreateLabel', answer: 'FindOrCreateLabelResponse', errors: [428], summary: 'Find Or Create Label', description: 'Returns the label with exactly this display name, or creates it (key `custom.<slug>`). 428 LABELS_QUOTA_REACHED past the quota.' })
  findOrCreate(@Caller() context: RequestContext, @Body() body: FindOrCreateLabelBody) {
    return this.labels.forward(LabelsPatterns.findOrCreate, { context, payload: { displayName: body.displayName, language: body.language } });
  }

  @Post('query')
  @HttpCode(200)
  @RequirePermission('CONTACTS_LABELS.VIEW')
  @Operation({ id: 'queryLabels', answer: 'LabelsPage', summary: 'Query Labels', description: 'Filters on key, displayName, createdDate, updatedDate, namespace, labelType; default sort createdDate DESC; paging default 1000, max 2000.' })
  query(@Caller() context: RequestContext, @Body() body: CatalogQueryBody) {
    return this.labels.forward(LabelsPatterns.query, { context, payload: catalogQueryPayload(body) });
  }

  @Get()
  @RequirePermission('CONTACTS_LABELS.VIEW')
  @ApiCatalogListQuery('labelType', ['SYSTEM', 'USER_DEFINED', 'WIX_APP_DEFINED'])
  @Operation({ id: 'listLabels', answer: 'LabelsList', summary: 'List Labels', description: 'Query params labelType, namespace, startsWith (case-sensitive), sort.fieldName, sort.order, paging.limit, paging.offset.' })
  list(@Caller() context: RequestContext, @Query() params: QueryParams) {
    return this.labels.forward(LabelsPatterns.list, { context, payload: catalogListPayload(params, 'labelType') });
  }

  @Get(':key')
  @RequirePermission('CONTACTS_LABELS.VIEW')
  @Operation({ id: 'getLabel', answer: 'LabelResponse', errors: [404], summary: 'Get Label' })
  @ApiKeyPath('key', 'The label key')
  get(@Caller() context: RequestContext, @Param('key', DefinitionKeyParam) key: string) {
    return this.labels.forward(LabelsPatterns.get, { context, payload: { key } });
  }

  @Patch(':key')
  @RequirePermission('CONTACTS_LABELS.MODIFY')
  @Operation({ id: 'renameLabel', answer: 'LabelResponse', errors: [404, 409, 428], summary: 'Rename Label', description: 'The key never changes. System labels cannot be renamed (428).' })
  @ApiKeyPath('key', 'The label key')
  rename(@Caller() context: RequestContext, @Param('key', DefinitionKeyParam) key: string, @Body() body: RenameLabelBody) {
    return this.labels.forward(LabelsPatterns.rename, { context, payload: { key, displayName: body.label.displayName } });
  }

  @Delete(':key')
  @RequirePermission('CONTACTS_LABELS.MODIFY')
  @Operation({ id: 'deleteLabel', answer: 'Empty', errors: [404, 428], summary: 'Delete Label', description: 'Also removes the label from every contact of the site. System labels cannot be deleted (428).' })
  @ApiKeyPath('key', 'The label key')
  delete(@Caller() context: RequestContext, @Param('key', DefinitionKeyParam) key: string) {
    return this.labels.forward(LabelsPatterns.delete, { context, payload: { key } });
  }
}
