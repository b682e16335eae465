import { AppError } from '@cp/errors';

/**
 * A contact import (docs/api.md, "Imports") is an aggregate of its own (stream
 * `contactimport-<site>.<importId>`). It is created when an upload begins, with its options and
 * the file's columns; the file's rows are kept in batches of their own streams as they arrive
 * (never in this one, so the job folds without them); once the upload is whole it is queued, and
 * its runner records progress batch by batch, so an interrupted import resumes after its last
 * recorded batch. What a row does is idempotent (its create carries an idempotency key made of
 * the import and the row), so redoing the last unrecorded batch applies no row twice.
 */
export type ImportOnDuplicate = 'SKIP' | 'UPDATE' | 'CREATE';
export type ImportFormat = 'CSV' | 'JSONL';
export type ImportStatus = 'UPLOADING' | 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export const IMPORT_ON_DUPLICATE: readonly ImportOnDuplicate[] = ['SKIP', 'UPDATE', 'CREATE'];

/** An extended field a column feeds, resolved when the import is created. */
export interface ImportFieldTarget {
  key: string;
  dataType: string;
}

export interface ImportOptions {
  onDuplicate: ImportOnDuplicate;
  dryRun: boolean;
  format: ImportFormat;
  fileName?: string;
  /** Column → target (import-mapping.ts), one entry per column of the file. */
  mapping: Record<string, string>;
  /** `extendedField:<ref>` target → the field it names. */
  fields: Record<string, ImportFieldTarget>;
  /** The creator's permissions, which the import acts with. */
  permissions?: string[];
}

/** A row that failed, by its number in the file (1: the first row after the header). */
export interface ImportRowError {
  row: number;
  code: string;
  description: string;
  /** The contact the row collided with, when that is why it failed. */
  contactId?: string;
}

export interface ImportCounts {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export type ImportEvent =
  | { type: 'ImportCreated'; data: { importId: string; options: ImportOptions; columns: string[] } }
  | { type: 'ImportUploaded'; data: { rows: number; batches: number } }
  | { type: 'ImportUploadFailed'; data: { code: string; description: string } }
  | { type: 'ImportStarted'; data: Record<string, never> }
  | { type: 'ImportProgressed'; data: ImportCounts & { batches: number; rows: number; errors: ImportRowError[] } }
  | { type: 'ImportCompleted'; data: Record<string, never> };

export type ImportEventRecord = ImportEvent & { occurredAt: string };

export interface ImportState extends ImportCounts {
  id: string;
  status: ImportStatus;
  options: ImportOptions;
  columns: string[];
  createdDate: string;
  startedDate?: string;
  finishedDate?: string;
  /** Rows and batches in the file, once uploaded. */
  totalRows?: number;
  totalBatches?: number;
  /** Rows and batches processed (recorded). */
  processedRows: number;
  processedBatches: number;
  /** Why the upload failed. */
  failure?: { code: string; description: string };
}

export function evolveImport(state: ImportState | undefined, event: ImportEventRecord): ImportState {
  if (event.type === 'ImportCreated') {
    const { importId, options, columns } = event.data;
    return { id: importId, status: 'UPLOADING', options, columns, createdDate: event.occurredAt, created: 0, updated: 0, skipped: 0, failed: 0, processedRows: 0, processedBatches: 0 };
  }
  if (!state) throw new Error(`${event.type} before ImportCreated`);
  switch (event.type) {
    case 'ImportUploaded':
      return { ...state, status: 'QUEUED', totalRows: event.data.rows, totalBatches: event.data.batches };
    case 'ImportUploadFailed':
      return { ...state, status: 'FAILED', failure: event.data, finishedDate: event.occurredAt };
    case 'ImportStarted':
      return { ...state, status: 'RUNNING', startedDate: state.startedDate ?? event.occurredAt };
    case 'ImportProgressed':
      return {
        ...state,
        processedBatches: event.data.batches,
        processedRows: event.data.rows,
        created: state.created + event.data.created,
        updated: state.updated + event.data.updated,
        skipped: state.skipped + event.data.skipped,
        failed: state.failed + event.data.failed,
      };
    case 'ImportCompleted':
      return { ...state, status: 'COMPLETED', finishedDate: event.occurredAt };
  }
}

/** What an import is asked: be created and uploaded (by the API), then start, record a batch and complete (by its runner). */
export type ImportCommand =
  | { type: 'CreateImport'; data: { importId: string; options: ImportOptions; columns: string[] } }
  | { type: 'FinishUpload'; data: { rows: number; batches: number } }
  | { type: 'FailUpload'; data: { code: string; description: string } }
  | { type: 'StartImport' }
  | { type: 'RecordImportProgress'; data: ImportCounts & { batches: number; rows: number; errors: ImportRowError[] } }
  | { type: 'CompleteImport' };

export const initialImportState = (): ImportState | undefined => undefined;

/** The import's decider. The runner's commands are idempotent: a step already recorded records nothing again. */
export function decideImport(command: ImportCommand, state: ImportState | undefined): ImportEvent[] {
  if (command.type === 'CreateImport') {
    if (state) throw AppError.conflict('IMPORT_EXISTS', `Import ${command.data.importId} exists already`);
    if (command.data.columns.length === 0) throw AppError.invalidField('file', 'the file has no columns', 'REQUIRED');
    return [{ type: 'ImportCreated', data: command.data }];
  }
  if (!state) throw AppError.notFound('IMPORT_NOT_FOUND', `No import to ${command.type}`);
  switch (command.type) {
    case 'FinishUpload':
      if (state.status !== 'UPLOADING') return [];
      return [{ type: 'ImportUploaded', data: command.data }];
    case 'FailUpload':
      return state.status === 'UPLOADING' ? [{ type: 'ImportUploadFailed', data: command.data }] : [];
    case 'StartImport':
      return state.status === 'QUEUED' ? [{ type: 'ImportStarted', data: {} }] : [];
    case 'RecordImportProgress':
      if (state.status !== 'RUNNING') throw AppError.precondition('IMPORT_NOT_RUNNING', `Import ${state.id} is ${state.status}`);
      if (command.data.batches > (state.totalBatches ?? 0)) throw AppError.invalidField('batches', `the import has ${state.totalBatches} batches`);
      return command.data.batches > state.processedBatches ? [{ type: 'ImportProgressed', data: command.data }] : [];
    case 'CompleteImport':
      if (state.status === 'COMPLETED') return [];
      if (state.status !== 'RUNNING' || state.processedBatches < (state.totalBatches ?? 0)) {
        throw AppError.precondition('IMPORT_NOT_DONE', `Import ${state.id} has processed ${state.processedBatches} of ${state.totalBatches} batches`);
      }
      return [{ type: 'ImportCompleted', data: {} }];
    default:
      return exhaustive(command);
  }
}

function exhaustive(command: never): never {
  throw new Error(`Unknown import command ${JSON.stringify(command)}`);
}
