import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify';
import { PassThrough, Readable, Writable } from 'node:stream';
import { ContactsPatterns, CreateExportBody, LabelsPatterns, RequestContext } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Operation } from '../openapi';
import { errorResponse } from '../openapi/error-responses';
import { Caller, RequirePermission } from '../auth/decorators';
import { ApiGuidPath, GuidParam } from '../http/id-params';
import { CONTACTS_CLIENT, LABELS_CLIENT } from '../service-clients';
import { EXPORT_CSV_HEADER, exportCsvRow } from './export-columns';
import { drained } from './drained';

/** Contacts per page read from the contacts service (its EXPORT_PAGE_LIMIT). */
const PAGE = 250;
const ExportIdPath = () => ApiGuidPath('id', 'The export id');

/** Contact exports as CSV or JSON Lines (ours; Wix's API has none): docs/api.md, "Exports". */
@ApiTags('Exports')
@Controller(['contacts/v4/exports', '_api/contacts/v4/exports'])
export class ExportsController {
  constructor(
    @Inject(CONTACTS_CLIENT) private readonly contacts: ServiceClient,
    @Inject(LABELS_CLIENT) private readonly labels: ServiceClient,
  ) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('CONTACTS.VIEW')
  @Operation({ id: 'createExport', answer: 'ExportResponse', summary: 'Export Contacts', description: 'Fixes the contacts the filter and search match, as they are now; the file shows them so, whatever changes after.' })
  create(@Caller() context: RequestContext, @Body() body: CreateExportBody) {
    return this.contacts.forward(ContactsPatterns.createExport, { context, payload: { filter: body.filter, search: body.search, format: body.format ?? 'CSV' } });
  }

  @Get(':id')
  @RequirePermission('CONTACTS.VIEW')
  @Operation({ id: 'getExport', answer: 'ExportResponse', errors: [404], summary: 'Get Export' })
  @ExportIdPath()
  get(@Caller() context: RequestContext, @Param('id', GuidParam) exportId: string) {
    return this.contacts.forward(ContactsPatterns.getExport, { context, payload: { exportId } });
  }

  @Get(':id/file')
  @RequirePermission('CONTACTS.VIEW')
  @ApiOperation({ operationId: 'getExportFile', summary: 'Get Export File', description: 'The contacts as CSV (columns an import reads back) or JSON Lines (each as Get Contact answers it), streamed.' })
  @ApiResponse({ status: 200, description: 'The file', content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } } })
  @ApiResponse(errorResponse(404))
  @ExportIdPath()
  async file(@Caller() context: RequestContext, @Param('id', GuidParam) exportId: string, @Res() reply: FastifyReply): Promise<void> {
    const { export: view } = await this.contacts.send<{ export: { format: 'CSV' | 'JSONL' } }>(ContactsPatterns.getExport, { context, payload: { exportId } });
    const page = (offset: number) => this.contacts.send<{ contacts: { id: string }[]; total: number; nextOffset: number }>(ContactsPatterns.exportPage, { context, payload: { exportId, offset, limit: PAGE } });
    let next = await page(0);
    const csv = view.format === 'CSV';
    const labels = csv ? await this.labelNames(context) : new Map<string, string>();
    const out: Writable & Readable = csv ? stringify({ header: true, columns: [...EXPORT_CSV_HEADER] }) : new PassThrough();
    const extension = csv ? 'csv' : 'jsonl';
    void reply
      .header('content-type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="contacts-${exportId}.${extension}"`)
      .send(out);
    try {
      for (let offset = 0; ; ) {
        for (const contact of next.contacts) {
          const written = out.write(csv ? exportCsvRow(contact, labels) : `${JSON.stringify(contact)}\n`);
          if (!written) await drained(out);
        }
        if (next.nextOffset <= offset || next.nextOffset >= next.total) break;
        offset = next.nextOffset;
        next = await page(offset);
      }
      out.end();
    } catch (error) {
      out.destroy(error as Error); // the answer is cut off, not left open
    }
  }

  private async labelNames(context: RequestContext): Promise<Map<string, string>> {
    const answer = await this.labels.send<{ labels: { key: string; displayName: string }[] }>(LabelsPatterns.list, { context, payload: { paging: { limit: 1000 } } });
    return new Map(answer.labels.map((label) => [label.key, label.displayName]));
  }
}
