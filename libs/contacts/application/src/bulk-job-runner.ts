import { BulkJobCommand, BulkJobError, BulkJobSpec } from '@cp/contacts-domain';
import { RequestContext } from '@cp/contracts';
import { isAppError } from '@cp/errors';
import { EventStore, TimeSlice } from '@cp/event-store';
import { LeaseStore, ProjectionLogger } from '@cp/projection';
import { BulkJobCommands } from './bulk-job-commands';
import { BulkJobViews } from './bulk-job-views';
import { ChunkedLists } from './chunked-lists';
import { ContactCommands } from './contact-commands';
import { LeasedJobs } from './leased-jobs';

/** Contacts per recorded batch: what a crash may make a job redo. */
const BATCH = 50;
/**
 * Runs bulk jobs in the background, in small slices (other requests run between the contacts of
 * a job), recording progress every BATCH contacts; a job interrupted by a restart resumes after
 * its last recorded batch. Every contact it touches gets its own events, as if changed one by one.
 *
 * A job runs on one replica at a time, the one holding its lease (`bulk-job:<siteKey>:<jobId>`);
 * every replica looks for unfinished jobs every few seconds (LeasedJobs), so a job whose runner
 * died is taken over once its lease expires. The job's stream is the second guard: a runner that records
 * a step over another's (its lease lapsed while it was frozen) finds it lost and stops.
 */
export class BulkJobRunner {
  private readonly jobs: LeasedJobs;

  constructor(
    private readonly store: EventStore,
    private readonly commands: BulkJobCommands,
    private readonly views: BulkJobViews,
    private readonly lists: ChunkedLists<string>,
    private readonly contacts: ContactCommands,
    private readonly contactsProjection: { waitFor(position: number, timeoutMs?: number): Promise<void> },
    leases: LeaseStore,
    private readonly logger: ProjectionLogger,
  ) {
    this.jobs = new LeasedJobs('bulk-job', leases, logger, (siteId, jobId, leaseHeld) => this.run(siteId, jobId, leaseHeld), () => this.views.unfinished());
  }

  start(siteId: string, jobId: string): void {
    this.jobs.start(siteId, jobId);
  }

  resumeUnfinished(): Promise<void> {
    return this.jobs.resumeUnfinished();
  }

  idle(): Promise<void> {
    return this.jobs.idle();
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }

  private async run(siteId: string, jobId: string, leaseHeld: () => boolean): Promise<void> {
    let job = await this.commands.load(siteId, jobId);
    if (!job || job.state.status === 'COMPLETED') return;
    /** Records a step of the job; false when another runner has taken the job over (this one then stops). */
    const record = async (command: Exclude<BulkJobCommand, { type: 'CreateBulkJob' }>): Promise<boolean> => {
      const { job: next, appended, lost } = await this.commands.record(job!, command);
      if (lost) {
        this.logger.warn(`bulk job ${jobId}: another runner records it; this one stops`);
        return false;
      }
      job = next;
      if (appended) await this.views.showCommitted(appended);
      return true;
    };
    if (!(await record({ type: 'StartBulkJob' }))) return;
    const { contacts, spec, totalItems } = job.state;
    const list = contacts.contactIds ? { items: contacts.contactIds } : contacts;
    // Contacts after the last recorded progress may have been done already: every action is
    // idempotent, and a delete that finds its contact gone in that window counts as done.
    const redoUntil = Math.min(job.state.processed + BATCH, totalItems);
    const slice = new TimeSlice();
    for (let start = job.state.processed; start < totalItems; start += BATCH) {
      if (this.jobs.stopping || !leaseHeld()) return;
      const batch = await this.lists.slice(siteId, jobId, list, start, start + BATCH);
      let succeeded = 0;
      const errors: BulkJobError[] = [];
      for (const [offset, contactId] of batch.entries()) {
        await slice.pause(); // other requests run between the contacts of a job
        const error = await this.apply(job.context, spec, contactId, start + offset < redoUntil);
        if (error) errors.push(error);
        else succeeded++;
      }
      if (!(await record({ type: 'RecordBulkJobProgress', data: { processed: start + batch.length, succeeded, failed: errors.length, errors } }))) return;
    }
    // Completed means visible: queries made after it see every change the job made.
    await this.contactsProjection.waitFor(await this.store.headPosition(), 60_000);
    await record({ type: 'CompleteBulkJob' });
  }

  private async apply(context: RequestContext, spec: BulkJobSpec, contactId: string, mayBeDone: boolean): Promise<BulkJobError | undefined> {
    const options = { waitForProjection: false };
    try {
      switch (spec.type) {
        case 'DELETE':
          await this.contacts.delete(context, { contactId }, options);
          break;
        case 'UPDATE':
          await this.contacts.updateLatest(context, contactId, spec.info ?? {}, options);
          break;
        default:
          await this.contacts.relabel(context, contactId, spec.labelKeysToAdd ?? [], spec.labelKeysToRemove ?? [], options);
      }
      return undefined;
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (mayBeDone && spec.type === 'DELETE' && error.code === 'CONTACT_NOT_FOUND') return undefined;
      return { contactId, code: error.code, description: error.message, ...(Object.keys(error.data ?? {}).length > 0 && { data: error.data }) };
    }
  }
}
