import { BulkJobError, BulkJobEventRecord, BulkJobProgress, evolveBulkJobProgress } from '@cp/contacts-domain';
import { RequestContext, siteDocumentId, streamEntityId } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { AppendResult, EventStore, RecordedEvent, recordOf } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { resolvePaging } from '@cp/query';
import { Document, ReadCollection, ReadStore, replaceIfUnchanged } from '@cp/read-store';
import { BULK_JOB_STREAM_PREFIX, BulkJobCommands } from './bulk-job-commands';

const BULK_JOBS_COLLECTION = 'bulk_jobs';

export interface BulkJobView {
  id: string;
  type: string;
  status: string;
  createdDate: string;
  startedDate?: string;
  finishedDate?: string;
  totalItems: number;
  successTotal: number;
  failedTotal: number;
  errors: BulkJobError[];
}

interface BulkJobDocument extends Document {
  siteId: string;
  revision: number;
  job: BulkJobView;
  /** What the next event is folded onto (absent in documents of older versions). */
  progress?: BulkJobProgress;
}

function toView(state: BulkJobProgress): BulkJobView {
  return {
    id: state.id,
    type: state.type,
    status: state.status,
    createdDate: state.createdDate,
    ...(state.startedDate && { startedDate: state.startedDate }),
    ...(state.finishedDate && { finishedDate: state.finishedDate }),
    totalItems: state.totalItems,
    successTotal: state.successTotal,
    failedTotal: state.failedTotal,
    errors: state.errors,
  };
}

/** The read side of bulk jobs: one document per job, kept by its projection, and the queries on it. */
export class BulkJobViews {
  private readonly jobs: ReadCollection<BulkJobDocument>;
  readonly projection: CheckpointedProjection;

  constructor(
    store: EventStore,
    readStore: ReadStore,
    private readonly commands: BulkJobCommands,
    logger: ProjectionLogger,
  ) {
    this.jobs = readStore.collection<BulkJobDocument>(BULK_JOBS_COLLECTION);
    this.projection = new CheckpointedProjection('bulk-jobs', store, readStore, async (event) => void (await this.project(event)), logger, [BULK_JOB_STREAM_PREFIX]);
  }

  /** From the read model while its projection runs; a job it does not show (created through another instance), or a stopped projection, reads the stream. */
  async get(context: RequestContext, jobId: string): Promise<{ job: BulkJobView }> {
    const doc = this.projection.ready ? await this.jobs.findOne({ _id: siteDocumentId(context.siteId, jobId) }, { readOnly: true }) : null;
    if (doc) return { job: doc.job };
    const loaded = await this.commands.load(context.siteId, jobId);
    if (!loaded) throw AppError.notFound('BULK_JOB_NOT_FOUND', `No bulk job with id ${jobId}`);
    return { job: toView(loaded.state) };
  }

  async list(context: RequestContext, paging?: { limit?: number | string; offset?: number | string }): Promise<{ jobs: BulkJobView[] }> {
    const { limit, offset } = resolvePaging(paging, { limit: 100, max: 100 });
    const docs = await this.jobs.find({ siteId: context.siteId }, { sort: { 'job.createdDate': -1, _id: -1 }, skip: offset, limit });
    return { jobs: docs.map((doc) => doc.job) };
  }

  /** The jobs not completed yet, to resume after a restart (once the projection has caught up). */
  async unfinished(): Promise<{ siteId: string; jobId: string }[]> {
    await this.projection.waitUntilCaughtUp();
    const docs = await this.jobs.find({ 'job.status': { $ne: 'COMPLETED' } });
    return docs.map((doc) => ({ siteId: doc.siteId, jobId: doc.job.id }));
  }

  /** Returns once `get` shows what this process appended to a job (see CheckpointedProjection.showCommitted). */
  showCommitted(appended: AppendResult): Promise<void> {
    return this.projection.showCommitted([appended], (event) => this.project(event, { inOrder: true }));
  }

  /**
   * Folds each event onto the job's progress in its document; only a gap (or a document of an
   * older version) folds the stream, whose first event holds every contact id of the job.
   * `inOrder` (applied ahead of the subscription) refuses an event that does not follow the document, with false.
   */
  private async project(event: RecordedEvent, { inOrder = false } = {}): Promise<boolean> {
    const jobId = streamEntityId(event.streamId);
    const _id = siteDocumentId(event.siteId, jobId);
    const existing = await this.jobs.findOne({ _id }, { readOnly: true });
    if (existing && existing.revision >= event.revision) return true;
    if (inOrder && (existing ? existing.revision !== event.revision - 1 : event.revision !== 0)) return false;
    const record = recordOf<BulkJobEventRecord>(event);
    let progress: BulkJobProgress | undefined;
    let revision = event.revision;
    if (record.type === 'BulkJobCreated') progress = evolveBulkJobProgress(undefined, record);
    else if (existing?.progress && existing.revision === event.revision - 1) progress = evolveBulkJobProgress(existing.progress, record);
    else {
      const loaded = await this.commands.load(event.siteId, jobId);
      if (!loaded) return true;
      const { spec: _spec, contacts: _contacts, ...rest } = loaded.state;
      [progress, revision] = [rest, loaded.revision];
    }
    // Over the revision read: another replica applying the same job's events never puts an older view back; it reads again.
    if (await replaceIfUnchanged(this.jobs, existing, { _id, siteId: event.siteId, revision, job: toView(progress), progress })) return true;
    return this.project(event, { inOrder });
  }
}
