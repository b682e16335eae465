import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify';
import { ContactsPatterns, ImportErrorsPage, RequestContext } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Operation } from '../openapi';
import { errorResponse } from '../openapi/error-responses';
import { Caller, RequirePermission } from '../auth/decorators';
import { ApiGuidPath, GuidParam } from '../http/id-params';
import { CONTACTS_CLIENT } from '../service-clients';
import { drained } from './drained';
import { uploadImport } from './import-upload';

const ERROR_404 = errorResponse(404);
const ImportIdPath = () => ApiGuidPath('id', 'The import id');

/** Contact imports from CSV or JSON Lines (ours; Wix's API has none): docs/api.md, "Imports". */
@ApiTags('Imports')
@Controller(['contacts/v4/imports', '_api/contacts/v4/imports'])
export class ImportsController {
  constructor(@Inject(CONTACTS_CLIENT) private readonly contacts: ServiceClient) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('CONTACTS.MODIFY')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        mapping: { type: 'string', description: 'JSON object: column → target (name.first, email:WORK, phone:MOBILE, address.city, company, jobTitle, birthdate, labels, extendedField:<key or name>, info (the whole info of a contact as JSON, as in a JSON Lines export), ignore); other columns are recognised by their headers' },
        onDuplicate: { type: 'string', enum: ['SKIP', 'UPDATE', 'CREATE'], default: 'SKIP' },
        dryRun: { type: 'string', enum: ['true', 'false'], default: 'false' },
        format: { type: 'string', enum: ['CSV', 'JSONL'], description: 'Default: JSONL for .jsonl/.ndjson files, else CSV' },
        delimiter: { type: 'string', description: 'CSV only; default: the header line\'s most frequent of , ; and tab' },
        encoding: { type: 'string', enum: ['utf-8', 'latin1', 'utf-16le'], default: 'utf-8' },
        file: { type: 'string', format: 'binary', description: 'Last: the fields before it are the options' },
      },
    },
  })
  @Operation({ id: 'createImport', answer: 'ImportResponse', summary: 'Import Contacts', description: 'Streams the file in; the import then runs in the background (Get Import follows it).' })
  create(@Caller() context: RequestContext, @Req() request: FastifyRequest) {
    return uploadImport(request.headers, request.body, (pattern, payload, options) => this.contacts.send(pattern, { context, payload }, options));
  }

  @Get(':id')
  @RequirePermission('CONTACTS.VIEW')
  @Operation({ id: 'getImport', answer: 'ImportResponse', errors: [404], summary: 'Get Import', description: 'Progress: rows read, created, updated, skipped, failed.' })
  @ImportIdPath()
  get(@Caller() context: RequestContext, @Param('id', GuidParam) importId: string) {
    return this.contacts.forward(ContactsPatterns.getImport, { context, payload: { importId } });
  }

  @Get(':id/errors')
  @RequirePermission('CONTACTS.VIEW')
  @ApiOperation({ operationId: 'getImportErrors', summary: 'Get Import Errors', description: 'The failed rows as CSV: row, code, reason, then the file\'s columns as it had them.' })
  @ApiResponse({ status: 200, description: 'The failed rows', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiResponse(ERROR_404)
  @ImportIdPath()
  async errors(@Caller() context: RequestContext, @Param('id', GuidParam) importId: string, @Res() reply: FastifyReply): Promise<void> {
    let page = await this.contacts.send<ImportErrorsPage>(ContactsPatterns.importErrors, { context, payload: { importId } });
    const csv = stringify({ header: true, columns: ['row', 'code', 'reason', ...page.columns], bom: false });
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="import-${importId}-errors.csv"`).send(csv);
    try {
      for (;;) {
        for (const error of page.errors) {
          const line = [String(error.row), error.code, error.description, ...page.columns.map((column) => error.values[column] ?? '')];
          if (!csv.write(line)) await drained(csv);
        }
        if (page.nextBatch === undefined) break;
        page = await this.contacts.send<ImportErrorsPage>(ContactsPatterns.importErrors, { context, payload: { importId, fromBatch: page.nextBatch } });
      }
      csv.end();
    } catch (error) {
      csv.destroy(error as Error); // the answer is cut off, not left open
    }
  }
}
