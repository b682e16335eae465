import { evolveImport, ImportEventRecord, ImportState } from '@cp/contacts-domain';
import { RequestContext, siteDocumentId, streamEntityId } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { AppendResult, EventStore, RecordedEvent, recordOf } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { Document, ReadCollection, ReadStore, replaceIfUnchanged } from '@cp/read-store';
import { IMPORT_STREAM_PREFIX, ImportCommands } from './import-commands';

const IMPORTS_COLLECTION = 'contact_imports';

/** What `GET /contacts/v4/imports/{id}` answers (docs/api.md, "Imports"). */
export interface ImportView {
  id: string;
  status: string;
  dryRun: boolean;
  onDuplicate: string;
  format: string;
  fileName?: string;
  createdDate: string;
  startedDate?: string;
  finishedDate?: string;
  /** Rows in the file (known once the upload is whole), and rows done so far. */
  totalRows?: number;
  processedRows: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** The columns of the file, and where each goes. */
  mapping: Record<string, string>;
  /** Why the upload failed. */
  failure?: { code: string; description: string };
}

interface ImportDocument extends Document {
  siteId: string;
  importId: string;
  revision: number;
  status: ImportState['status'];
  /**
   * The state as JSON text: its mapping's keys are the file's column headers and its fields'
   * are field keys (`custom.tier`), and a stored document holds no field names with dots.
   */
  state: string;
}

export function toImportView(state: ImportState): ImportView {
  return {
    id: state.id,
    status: state.status,
    dryRun: state.options.dryRun,
    onDuplicate: state.options.onDuplicate,
    format: state.options.format,
    ...(state.options.fileName !== undefined && { fileName: state.options.fileName }),
    createdDate: state.createdDate,
    ...(state.startedDate && { startedDate: state.startedDate }),
    ...(state.finishedDate && { finishedDate: state.finishedDate }),
    ...(state.totalRows !== undefined && { totalRows: state.totalRows }),
    processedRows: state.processedRows,
    created: state.created,
    updated: state.updated,
    skipped: state.skipped,
    failed: state.failed,
    mapping: state.options.mapping,
    ...(state.failure && { failure: state.failure }),
  };
}

/** The read side of imports: one document per import, kept by its projection. */
export class ImportViews {
  private readonly imports: ReadCollection<ImportDocument>;
  readonly projection: CheckpointedProjection;

  constructor(
    store: EventStore,
    readStore: ReadStore,
    private readonly commands: ImportCommands,
    logger: ProjectionLogger,
  ) {
    this.imports = readStore.collection<ImportDocument>(IMPORTS_COLLECTION);
    this.projection = new CheckpointedProjection('contact-imports', store, readStore, async (event) => void (await this.project(event)), logger, [IMPORT_STREAM_PREFIX]);
  }

  /** From the read model while its projection runs; an import it does not show yet reads the stream. */
  async get(context: RequestContext, importId: string): Promise<ImportState> {
    const doc = this.projection.ready ? await this.imports.findOne({ _id: siteDocumentId(context.siteId, importId) }, { readOnly: true }) : null;
    if (doc) return JSON.parse(doc.state) as ImportState;
    const loaded = await this.commands.load(context.siteId, importId);
    if (!loaded) throw AppError.notFound('IMPORT_NOT_FOUND', `No import with id ${importId}`);
    return loaded.state;
  }

  /** Imports uploaded and not completed, to resume (once the projection has caught up). */
  async unfinished(): Promise<{ siteId: string; importId: string }[]> {
    await this.projection.waitUntilCaughtUp();
    const docs = await this.imports.find({ status: { $in: ['QUEUED', 'RUNNING'] } });
    return docs.map((doc) => ({ siteId: doc.siteId, importId: doc.importId }));
  }

  /** Returns once `get` shows what this process appended (see CheckpointedProjection.showCommitted). */
  showCommitted(appended: AppendResult): Promise<void> {
    return this.projection.showCommitted([appended], (event) => this.project(event, { inOrder: true }));
  }

  /** Folds each event onto the state in the import's document; a gap folds the stream. `inOrder` refuses an event that does not follow the document. */
  private async project(event: RecordedEvent, { inOrder = false } = {}): Promise<boolean> {
    const importId = streamEntityId(event.streamId);
    const _id = siteDocumentId(event.siteId, importId);
    const existing = await this.imports.findOne({ _id }, { readOnly: true });
    if (existing && existing.revision >= event.revision) return true;
    if (inOrder && (existing ? existing.revision !== event.revision - 1 : event.revision !== 0)) return false;
    let state: ImportState;
    let revision = event.revision;
    const follows = existing ? existing.revision === event.revision - 1 : event.revision === 0;
    if (follows) state = evolveImport(existing ? (JSON.parse(existing.state) as ImportState) : undefined, recordOf<ImportEventRecord>(event));
    else {
      const loaded = await this.commands.load(event.siteId, importId);
      if (!loaded) return true;
      [state, revision] = [loaded.state, loaded.revision];
    }
    // Over the revision read: another replica applying the same events never puts an older view back; it reads again.
    if (await replaceIfUnchanged(this.imports, existing, { _id, siteId: event.siteId, importId, revision, status: state.status, state: JSON.stringify(state) })) return true;
    return this.project(event, { inOrder });
  }
}
