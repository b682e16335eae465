/** Payloads of the contact import and export patterns: the gateway streams a file's rows to the contacts service in batches, and an export's contacts out of it in pages. */
export interface CreateImportPayload {
  onDuplicate: string;
  dryRun: boolean;
  format: 'CSV' | 'JSONL';
  fileName?: string;
  /** Column → target (docs/api.md, "Imports"); columns it does not name are recognised by their headers. */
  mapping?: Record<string, string>;
  /** The file's columns, in order (a CSV's header row, the keys of a JSON Lines file's first row). */
  columns: string[];
}

/** One batch of rows, as cells by column; batches are numbered from 0, rows from 1 (the first after the header). */
export interface AddImportRowsPayload {
  importId: string;
  batch: number;
  firstRow: number;
  rows: Record<string, string>[];
}

export interface FinishImportUploadPayload {
  importId: string;
  rows: number;
  batches: number;
}

export interface FailImportUploadPayload {
  importId: string;
  code: string;
  description: string;
}

export interface GetImportPayload {
  importId: string;
}

export interface ImportErrorsPayload {
  importId: string;
  /** The batch to start from (a page of the errors file); absent: the first. */
  fromBatch?: number;
}

/** A page of an import's failed rows, with the cells each had; `nextBatch` while there are more. */
export interface ImportErrorsPage {
  columns: string[];
  errors: { row: number; code: string; description: string; values: Record<string, string> }[];
  nextBatch?: number;
}

export interface CreateExportPayload {
  filter?: Record<string, unknown>;
  search?: string;
  format: 'CSV' | 'JSONL';
}

export interface GetExportPayload {
  exportId: string;
}

/** A page of an export's contacts, as they were when it began. */
export interface ExportPagePayload {
  exportId: string;
  offset: number;
  limit: number;
}
