import { ImportCommand, ImportRowError } from '@cp/contacts-domain';
import { EventStore, TimeSlice } from '@cp/event-store';
import { LeaseStore, ProjectionLogger } from '@cp/projection';
import { ContactCommands } from './contact-commands';
import { ContactQueries } from './contact-queries';
import { DefinitionOwners } from './definitions';
import { ImportCommands, LoadedImport } from './import-commands';
import { ImportRowWriter } from './import-row';
import { ImportRows } from './import-rows';
import { ImportViews } from './import-views';
import { LeasedJobs } from './leased-jobs';

/**
 * Runs uploaded imports in the background, in small slices (other requests run between rows),
 * recording progress after each batch of rows; an import interrupted by a crash resumes after its
 * last recorded batch, and the rows of the batch it redoes apply once (see ImportRowWriter).
 * One replica runs an import at a time, the one holding its lease (`import:<siteKey>:<importId>`);
 * every replica sweeps for queued ones, so an import whose runner died is taken over. The import's
 * stream is the second guard: a runner that finds another's step recorded stops.
 */
export class ImportRunner {
  private readonly jobs: LeasedJobs;

  constructor(
    private readonly store: EventStore,
    private readonly imports: ImportCommands,
    private readonly rows: ImportRows,
    private readonly views: ImportViews,
    private readonly contacts: ContactCommands,
    private readonly queries: ContactQueries,
    private readonly owners: DefinitionOwners,
    private readonly contactsProjection: { waitFor(position: number, timeoutMs?: number): Promise<void> },
    leases: LeaseStore,
    private readonly logger: ProjectionLogger,
  ) {
    this.jobs = new LeasedJobs('import', leases, logger, (siteId, importId, leaseHeld) => this.run(siteId, importId, leaseHeld), () =>
      this.views.unfinished().then((imports) => imports.map(({ siteId, importId }) => ({ siteId, jobId: importId }))),
    );
  }

  start(siteId: string, importId: string): void {
    this.jobs.start(siteId, importId);
  }

  resumeUnfinished(): Promise<void> {
    return this.jobs.resumeUnfinished();
  }

  idle(): Promise<void> {
    return this.jobs.idle();
  }

  /** Lets running imports finish their current row and batch; they resume on the next start. */
  stop(): Promise<void> {
    return this.jobs.stop();
  }

  private async run(siteId: string, importId: string, leaseHeld: () => boolean): Promise<void> {
    let job = await this.imports.load(siteId, importId);
    if (!job || (job.state.status !== 'QUEUED' && job.state.status !== 'RUNNING')) return;
    const record = async (command: ImportCommand): Promise<boolean> => {
      const { job: next, appended, lost } = await this.imports.record(job!, command);
      if (lost) {
        this.logger.warn(`import ${importId}: another runner records it; this one stops`);
        return false;
      }
      job = next;
      if (appended) await this.views.showCommitted(appended);
      return true;
    };
    if (!(await record({ type: 'StartImport' }))) return;
    const writer = new ImportRowWriter(job.context, importId, job.state.options, this.contacts, this.queries, this.owners);
    const slice = new TimeSlice();
    for (let batch = job.state.processedBatches; batch < (job.state.totalBatches ?? 0); batch++) {
      if (this.jobs.stopping || !leaseHeld()) return;
      if (!(await record({ type: 'RecordImportProgress', data: await this.runBatch(job, writer, batch, slice) }))) return;
    }
    // Completed means visible: queries made after it see every contact the import wrote.
    await this.contactsProjection.waitFor(await this.store.headPosition(), 60_000);
    await record({ type: 'CompleteImport' });
  }

  private async runBatch(job: LoadedImport, writer: ImportRowWriter, batch: number, slice: TimeSlice) {
    const { firstRow, rows } = await this.rows.read(job.context.siteId, job.state.id, batch);
    const counts = { created: 0, updated: 0, skipped: 0, failed: 0 };
    const errors: ImportRowError[] = [];
    for (const [offset, cells] of rows.entries()) {
      await slice.pause(); // other requests run between the rows of an import
      const outcome = await writer.write(firstRow + offset, cells);
      counts[outcome.kind]++;
      if (outcome.kind === 'failed') errors.push(outcome.error);
    }
    return { ...counts, batches: batch + 1, rows: firstRow + rows.length - 1, errors };
  }
}
