import { checkMapping, IMPORT_ON_DUPLICATE, ImportEventRecord, ImportFieldTarget, ImportOnDuplicate, ImportOptions, resolveMapping } from '@cp/contacts-domain';
import { AddImportRowsPayload, CreateImportPayload, FailImportUploadPayload, FinishImportUploadPayload, ImportErrorsPage, ImportErrorsPayload, RequestContext } from '@cp/contracts';
import { AppError, FieldViolation } from '@cp/errors';
import { EventStore, recordOf } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger, ReadStoreLeases } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { Clock, IdSource } from './clock';
import { ContactCommands } from './contact-commands';
import { ContactQueries } from './contact-queries';
import { DefinitionOwners } from './definitions';
import { foldImport, ImportCommands, importStream } from './import-commands';
import { ImportRows } from './import-rows';
import { ImportRunner } from './import-runner';
import { ImportView, ImportViews, toImportView } from './import-views';

export { IMPORT_STREAM_PREFIX } from './import-commands';
export { IMPORT_BATCH_ROWS, IMPORT_ROWS_STREAM_PREFIX } from './import-rows';
export type { ImportView } from './import-views';

/**
 * Failed rows per page of an import's errors file, and about the most bytes of their cells: a page
 * is one message (a Kafka message is at most 1 MB by default), and whole batches go into a page,
 * each about 256 KiB of rows at most (the gateway sizes batches so).
 */
const ERRORS_PAGE = 1_000;
const ERRORS_PAGE_BYTES = 256 * 1024;
/** What a column may name as an extended field's key (else it is the field's display name). */
const FIELD_KEY = /^[a-z][a-zA-Z0-9]*\.[A-Za-z0-9_-]+$/;

/**
 * Contact imports (docs/api.md, "Imports"): what the API calls. The gateway creates an import
 * with the file's columns, sends its rows in batches and finishes the upload; the import then
 * runs in the background (ImportRunner) and is followed through its read model (ImportViews).
 */
export class Imports {
  private readonly commands: ImportCommands;
  private readonly rows: ImportRows;
  private readonly views: ImportViews;
  private readonly runner: ImportRunner;

  constructor(
    private readonly store: EventStore,
    readStore: ReadStore,
    contacts: ContactCommands,
    queries: ContactQueries,
    private readonly owners: DefinitionOwners,
    contactsProjection: { waitFor(position: number, timeoutMs?: number): Promise<void> },
    private readonly newId: IdSource,
    clock: Clock,
    logger: ProjectionLogger,
  ) {
    this.commands = new ImportCommands(store, clock);
    this.rows = new ImportRows(store, clock);
    this.views = new ImportViews(store, readStore, this.commands, logger);
    this.runner = new ImportRunner(store, this.commands, this.rows, this.views, contacts, queries, owners, contactsProjection, new ReadStoreLeases(readStore), logger);
  }

  get projection(): CheckpointedProjection {
    return this.views.projection;
  }

  /** Checks the options and the mapping against the file's columns before any row is kept: a refusal here stores nothing. */
  async create(context: RequestContext, payload: CreateImportPayload): Promise<{ import: ImportView }> {
    const onDuplicate = (payload.onDuplicate ?? 'SKIP') as ImportOnDuplicate;
    if (!IMPORT_ON_DUPLICATE.includes(onDuplicate)) throw AppError.invalidField('onDuplicate', `must be one of ${IMPORT_ON_DUPLICATE.join(', ')}`);
    const problems = checkMapping(payload.mapping ?? {}, payload.columns);
    if (problems.length > 0) throw AppError.invalid(problems.map((p) => ({ field: `mapping.${p.column}`, description: p.description, violatedRule: 'INVALID_MAPPING' })));
    const mapping = resolveMapping(payload.columns, payload.mapping);
    const options: ImportOptions = {
      onDuplicate,
      dryRun: payload.dryRun === true,
      format: payload.format,
      ...(payload.fileName !== undefined && { fileName: payload.fileName }),
      mapping,
      fields: await this.fieldsOf(context, mapping),
      ...(context.permissions && { permissions: context.permissions }),
    };
    const importId = this.newId();
    const { state, appended } = await this.commands.decide(context, importId, { type: 'CreateImport', data: { importId, options, columns: payload.columns } });
    if (appended) await this.views.showCommitted(appended);
    return { import: toImportView(state!) };
  }

  async addRows(context: RequestContext, payload: AddImportRowsPayload): Promise<{ received: number }> {
    await this.uploading(context, payload.importId);
    await this.rows.add(context, payload.importId, { batch: payload.batch, firstRow: payload.firstRow, rows: payload.rows });
    return { received: payload.rows.length };
  }

  /** The file is whole: the import is queued and starts here. */
  async finishUpload(context: RequestContext, payload: FinishImportUploadPayload): Promise<{ import: ImportView }> {
    await this.checkUploaded(context, payload);
    const { state, appended } = await this.commands.decide(context, payload.importId, { type: 'FinishUpload', data: { rows: payload.rows, batches: payload.batches } });
    if (appended) await this.views.showCommitted(appended);
    this.runner.start(context.siteId, payload.importId);
    return { import: toImportView(state!) };
  }

  async failUpload(context: RequestContext, payload: FailImportUploadPayload): Promise<void> {
    const { appended } = await this.commands.decide(context, payload.importId, { type: 'FailUpload', data: { code: payload.code, description: payload.description } });
    if (appended) await this.views.showCommitted(appended);
  }

  async get(context: RequestContext, importId: string): Promise<{ import: ImportView }> {
    return { import: toImportView(await this.views.get(context, importId)) };
  }

  /** A page of the failed rows, each with its cells as the file had them, from the batch given. */
  async errors(context: RequestContext, payload: ImportErrorsPayload): Promise<ImportErrorsPage> {
    const events = await this.store.readStream(importStream(context.siteId, payload.importId));
    const state = foldImport(events);
    if (!state) throw AppError.notFound('IMPORT_NOT_FOUND', `No import with id ${payload.importId}`);
    const failedByBatch = new Map<number, ImportEventRecord & { type: 'ImportProgressed' }>();
    for (const event of events) {
      const record = recordOf<ImportEventRecord>(event);
      if (record.type === 'ImportProgressed' && record.data.errors.length > 0) failedByBatch.set(record.data.batches - 1, record);
    }
    const page: ImportErrorsPage = { columns: state.columns, errors: [] };
    const batches = [...failedByBatch.keys()].filter((batch) => batch >= (payload.fromBatch ?? 0)).sort((a, b) => a - b);
    let bytes = 0;
    for (const batch of batches) {
      if (page.errors.length >= ERRORS_PAGE || bytes >= ERRORS_PAGE_BYTES) return { ...page, nextBatch: batch };
      const { firstRow, rows } = await this.rows.read(context.siteId, payload.importId, batch);
      for (const error of failedByBatch.get(batch)!.data.errors) {
        const values = rows[error.row - firstRow] ?? {};
        bytes += Buffer.byteLength(JSON.stringify(values)) + error.description.length;
        page.errors.push({ row: error.row, code: error.code, description: error.description, values });
      }
    }
    return page;
  }

  resumeUnfinished(): Promise<void> {
    return this.runner.resumeUnfinished();
  }

  idle(): Promise<void> {
    return this.runner.idle();
  }

  async stop(): Promise<void> {
    await this.runner.stop();
    await this.views.projection.stop();
  }

  /** The last batch the upload names is stored and ends at its last row (the batches before it were stored in turn). */
  private async checkUploaded(context: RequestContext, { importId, rows, batches }: FinishImportUploadPayload): Promise<void> {
    if (batches === 0 && rows === 0) return;
    const last = batches > 0 ? await this.rows.read(context.siteId, importId, batches - 1).catch(() => undefined) : undefined;
    if (!last || last.firstRow + last.rows.length - 1 !== rows) throw AppError.invalidField('rows', `the upload stored no batch ${batches - 1} ending at row ${rows}`);
  }

  private async uploading(context: RequestContext, importId: string): Promise<void> {
    const state = await this.views.get(context, importId);
    if (state.status !== 'UPLOADING') throw AppError.precondition('IMPORT_NOT_UPLOADING', `Import ${importId} is ${state.status}`);
  }

  /** The extended fields the mapping names, by key or display name: one that does not exist (or may not be written) refuses the import. */
  private async fieldsOf(context: RequestContext, mapping: Record<string, string>): Promise<Record<string, ImportFieldTarget>> {
    const fields: Record<string, ImportFieldTarget> = {};
    const violations: FieldViolation[] = [];
    for (const [column, target] of Object.entries(mapping)) {
      if (!target.startsWith('extendedField:')) continue;
      const ref = target.slice('extendedField:'.length);
      const field = FIELD_KEY.test(ref) ? await this.owners.field(context, ref) : await this.owners.fieldNamed(context, ref);
      if (!field) violations.push({ field: `mapping.${column}`, description: `no extended field ${ref}`, violatedRule: 'EXTENDED_FIELD_NOT_FOUND' });
      else if (field.writable === false) violations.push({ field: `mapping.${column}`, description: `extended field ${field.key} is not writable`, violatedRule: 'FIELD_NOT_WRITABLE' });
      else fields[ref] = { key: field.key, dataType: field.dataType };
    }
    if (violations.length > 0) throw AppError.invalid(violations);
    return fields;
  }
}
