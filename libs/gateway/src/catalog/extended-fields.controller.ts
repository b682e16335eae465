import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiCatalogListQuery, Operation } from '../openapi';
import { CatalogQueryBody, ExtendedFieldsPatterns, FindOrCreateExtendedFieldBody, RenameExtendedFieldBody, RequestContext } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Caller, RequirePermission } from '../auth/decorators';
import { ApiKeyPath, DefinitionKeyParam } from '../http/id-params';
import { QueryParams } from '../http/query-params';
import { EXTENDED_FIELDS_CLIENT } from '../service-clients';
import { catalogListPayload, catalogQueryPayload } from './catalog-params';

@ApiTags('Extended fields')
@Controller(['contacts/v4/extended-fields', '_api/contacts/v4/extended-fields'])
export class ExtendedFieldsController {
  constructor(@Inject(EXTENDED_FIELDS_CLIENT) private readonly fields: ServiceClient) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('CONTACTS_SCHEMA.MODIFY')
  @Operation({ id: 'findOrCreateExtendedField', answer: 'FindOrCreateExtendedFieldResponse', summary: 'Find Or Create Extended Field', description: 'dataType TEXT, NUMBER, DATE or URL (ignored when the name exists). At most 100 custom fields: 429 past it.' })
  findOrCreate(@Caller() context: RequestContext, @Body() body: FindOrCreateExtendedFieldBody) {
    return this.fields.forward(ExtendedFieldsPatterns.findOrCreate, { context, payload: { displayName: body.displayName, dataType: body.dataType } });
  }

  @Post('query')
  @HttpCode(200)
  @RequirePermission('CONTACTS_SCHEMA.VIEW')
  @Operation({ id: 'queryExtendedFields', answer: 'ExtendedFieldsPage', summary: 'Query Extended Fields' })
  query(@Caller() context: RequestContext, @Body() body: CatalogQueryBody) {
    return this.fields.forward(ExtendedFieldsPatterns.query, { context, payload: catalogQueryPayload(body) });
  }

  @Get()
  @RequirePermission('CONTACTS_SCHEMA.VIEW')
  @ApiCatalogListQuery('fieldType', ['SYSTEM', 'USER_DEFINED'])
  @Operation({ id: 'listExtendedFields', answer: 'ExtendedFieldsList', summary: 'List Extended Fields', description: 'Query params fieldType, namespace, startsWith (case-sensitive), sort.fieldName, sort.order, paging.limit (default 100), paging.offset.' })
  list(@Caller() context: RequestContext, @Query() params: QueryParams) {
    return this.fields.forward(ExtendedFieldsPatterns.list, { context, payload: catalogListPayload(params, 'fieldType') });
  }

  @Get(':key')
  @RequirePermission('CONTACTS_SCHEMA.VIEW')
  @Operation({ id: 'getExtendedField', answer: 'ExtendedFieldResponse', errors: [404], summary: 'Get Extended Field' })
  @ApiKeyPath('key', 'The extended field key')
  get(@Caller() context: RequestContext, @Param('key', DefinitionKeyParam) key: string) {
    return this.fields.forward(ExtendedFieldsPatterns.get, { context, payload: { key } });
  }

  @Patch(':key')
  @RequirePermission('CONTACTS_SCHEMA.MODIFY')
  @Operation({ id: 'renameExtendedField', answer: 'ExtendedFieldResponse', errors: [404, 409, 428], summary: 'Rename Extended Field', description: 'System fields cannot be renamed (428).' })
  @ApiKeyPath('key', 'The extended field key')
  rename(@Caller() context: RequestContext, @Param('key', DefinitionKeyParam) key: string, @Body() body: RenameExtendedFieldBody) {
    return this.fields.forward(ExtendedFieldsPatterns.rename, { context, payload: { key, displayName: body.field.displayName } });
  }

  @Delete(':key')
  @RequirePermission('CONTACTS_SCHEMA.MODIFY')
  @Operation({ id: 'deleteExtendedField', answer: 'Empty', errors: [404, 428], summary: 'Delete Extended Field', description: "Also removes the field's values from every contact of the site." })
  @ApiKeyPath('key', 'The extended field key')
  delete(@Caller() context: RequestContext, @Param('key', DefinitionKeyParam) key: string) {
    return this.fields.forward(ExtendedFieldsPatterns.delete, { context, payload: { key } });
  }
}
