import { RequestContext, siteStream } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, isWrongExpectedRevision } from '@cp/event-store';
import { Clock } from './clock';
import { metadataFor } from './event-metadata';

/** The rows of an import's file, a stream per batch: `contactimportrows-<site>.<importId>-<batch>`. */
export const IMPORT_ROWS_STREAM_PREFIX = 'contactimportrows-';
/** Rows per batch: what the gateway sends in one message and what a runner records progress after. */
export const IMPORT_BATCH_ROWS = 500;

export interface ImportRowsBatch {
  batch: number;
  /** The number of the batch's first row in the file (1: the first row after the header). */
  firstRow: number;
  rows: Record<string, string>[];
}

function rowsStream(siteId: string, importId: string, batch: number): string {
  return siteStream(IMPORT_ROWS_STREAM_PREFIX, siteId, `${importId}-${batch}`);
}

/**
 * An import's rows, kept as they were read (cells by column) until the import is done with them;
 * a batch sent again (the gateway retried it) finds its stream written and changes nothing.
 */
export class ImportRows {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async add(context: RequestContext, importId: string, batch: ImportRowsBatch): Promise<void> {
    if (batch.rows.length > IMPORT_BATCH_ROWS) throw AppError.invalidField('rows', `at most ${IMPORT_BATCH_ROWS} rows in a batch`);
    try {
      await this.store.append(rowsStream(context.siteId, importId, batch.batch), [{ type: 'ImportRowsAdded', data: batch, metadata: metadataFor(context, this.clock.now()) }], 'no_stream');
    } catch (error) {
      if (!isWrongExpectedRevision(error)) throw error;
    }
  }

  async read(siteId: string, importId: string, batch: number): Promise<ImportRowsBatch> {
    const [event] = await this.store.readStream(rowsStream(siteId, importId, batch));
    if (!event) throw new AppError('INTERNAL', 'IMPORT_ROWS_MISSING', `Import ${importId} has no batch ${batch}`);
    return event.data as ImportRowsBatch;
  }
}
