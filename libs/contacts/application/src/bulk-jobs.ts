import {
  BulkJobError,
  BulkJobEventRecord,
  BulkJobProgress,
  BulkJobSpec,
  BulkJobState,
  createBulkJob,
  evolveBulkJob,
  evolveBulkJobProgress,
  normalizeInfoPatch,
} from '@cp/contacts-domain';
import { RequestContext, siteDocumentId, siteStream, streamEntityId } from '@cp/contracts';
import { AppError, isAppError } from '@cp/errors';
import { EventStore, RecordedEvent, recordOf, TimeSlice } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { resolvePaging } from '@cp/query';
import { Document, ReadCollection, ReadStore } from '@cp/read-store';
import { IdSource } from './clock';
import { ContactCommands } from './contact-commands';
import { ContactQueries } from './contact-queries';
import { ContactReferences } from './contact-references';

export const BULK_JOB_STREAM_PREFIX = 'contactbulkjob-';
const BULK_JOBS_COLLECTION = 'bulk_jobs';
const BATCH = 50;

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

/**
 * Bulk delete, update and (un)labelling as asynchronous jobs. A job fixes the contacts it acts on
 * when it is created, runs in the background, records its progress every few contacts, and is
 * resumed after a restart from its last recorded progress. Every contact it touches gets its
 * own events, as if changed one by one.
 */
export class BulkJobs {
  private readonly jobs: ReadCollection<BulkJobDocument>;
  readonly projection: CheckpointedProjection;
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly store: EventStore,
    readStore: ReadStore,
    private readonly commands: ContactCommands,
    private readonly queries: ContactQueries,
    private readonly contactsProjection: { waitFor(position: number, timeoutMs?: number): Promise<void> },
    private readonly references: ContactReferences,
    private readonly newId: IdSource,
    private readonly logger: ProjectionLogger,
  ) {
    this.jobs = readStore.collection<BulkJobDocument>(BULK_JOBS_COLLECTION);
    this.projection = new CheckpointedProjection('bulk-jobs', store, readStore, (event) => this.project(event), logger, [BULK_JOB_STREAM_PREFIX]);
  }

  /** Checks everything up front (filter, info, labels), so a job never fails for its own input. */
  async create(context: RequestContext, spec: BulkJobSpec): Promise<{ jobId: string }> {
    const checked: BulkJobSpec = { ...spec };
    if (spec.type === 'UPDATE') {
      checked.info = await this.references.check(context, spec.info ?? {});
      normalizeInfoPatch(checked.info, undefined, this.newId); // refuses invalid info now, not once per contact
    }
    const labelKeys = [...(spec.labelKeysToAdd ?? []), ...(spec.labelKeysToRemove ?? [])];
    if (labelKeys.length > 0) await this.references.requireLabels(context, labelKeys);
    const contactIds = await this.queries.matchingIds(context, spec.filter, spec.search);
    const jobId = this.newId();
    const events = createBulkJob(jobId, { ...checked, ...(context.permissions && { permissions: context.permissions }) } as BulkJobSpec, contactIds);
    await this.store.append(this.stream(context.siteId, jobId), events.map((event) => ({ ...event, metadata: this.metadata(context) })), 'no_stream');
    this.start(context.siteId, jobId);
    return { jobId };
  }

  async get(context: RequestContext, jobId: string): Promise<{ job: BulkJobView }> {
    const { state } = await this.load(context.siteId, jobId);
    if (!state) throw AppError.notFound('BULK_JOB_NOT_FOUND', `No bulk job with id ${jobId}`);
    return { job: toView(state) };
  }

  async list(context: RequestContext, paging?: { limit?: number | string; offset?: number | string }): Promise<{ jobs: BulkJobView[] }> {
    const { limit, offset } = resolvePaging(paging, { limit: 100, max: 100 });
    const docs = await this.jobs.find({ siteId: context.siteId }, { sort: { 'job.createdDate': -1, _id: -1 }, skip: offset, limit });
    return { jobs: docs.map((doc) => doc.job) };
  }

  /** After a restart: picks up every job that had not completed. */
  async resumeUnfinished(): Promise<void> {
    await this.projection.waitUntilCaughtUp();
    const unfinished = await this.jobs.find({ 'job.status': { $ne: 'COMPLETED' } });
    for (const doc of unfinished) this.start(doc.siteId, doc.job.id);
  }

  /** Resolves when the jobs running now have finished (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Lets running jobs finish their current batch and record it; they resume on the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
    await this.projection.stop();
  }

  private start(siteId: string, jobId: string): void {
    if (this.running.has(jobId) || this.stopping) return;
    const run = this.run(siteId, jobId)
      .catch((error) => this.logger.error(`bulk job ${jobId} stopped: ${error instanceof Error ? error.stack : String(error)}`))
      .finally(() => this.running.delete(jobId));
    this.running.set(jobId, run);
  }

  private async run(siteId: string, jobId: string): Promise<void> {
    const loaded = await this.load(siteId, jobId);
    const { state, context } = loaded;
    let revision = loaded.revision as number | 'no_stream';
    if (!state || !context || state.status === 'COMPLETED') return;
    const append = async (event: { type: string; data: unknown }) => {
      const result = await this.store.append(this.stream(siteId, jobId), [{ ...event, metadata: this.metadata(context!) }], revision);
      revision = result.revision;
    };
    if (state.status === 'NEW') await append({ type: 'BulkJobStarted', data: {} });
    // Contacts after the last recorded progress may have been done already: every action is
    // idempotent, and a delete that finds its contact gone in that window counts as done.
    const redoUntil = Math.min(state.processed + BATCH, state.contactIds.length);
    const slice = new TimeSlice();
    for (let start = state.processed; start < state.contactIds.length; start += BATCH) {
      if (this.stopping) return;
      const batch = state.contactIds.slice(start, start + BATCH);
      let succeeded = 0;
      const errors: BulkJobError[] = [];
      for (const [offset, contactId] of batch.entries()) {
        await slice.pause(); // other requests run between the contacts of a job
        const error = await this.apply(context, state.spec, contactId, start + offset < redoUntil);
        if (error) errors.push(error);
        else succeeded++;
      }
      await append({ type: 'BulkJobProgressed', data: { processed: start + batch.length, succeeded, failed: errors.length, errors } });
    }
    // Completed means visible: queries made after it see every change the job made.
    await this.contactsProjection.waitFor(await this.store.headPosition(), 60_000);
    await append({ type: 'BulkJobCompleted', data: {} });
  }

  private async apply(context: RequestContext, spec: BulkJobSpec, contactId: string, mayBeDone: boolean): Promise<BulkJobError | undefined> {
    const options = { waitForProjection: false };
    try {
      switch (spec.type) {
        case 'DELETE':
          await this.commands.delete(context, { contactId }, options);
          break;
        case 'UPDATE':
          await this.commands.updateLatest(context, contactId, spec.info ?? {}, options);
          break;
        default:
          await this.commands.relabel(context, contactId, spec.labelKeysToAdd ?? [], spec.labelKeysToRemove ?? [], options);
      }
      return undefined;
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (mayBeDone && spec.type === 'DELETE' && error.code === 'CONTACT_NOT_FOUND') return undefined;
      return { contactId, code: error.code, description: error.message, ...(Object.keys(error.data ?? {}).length > 0 && { data: error.data }) };
    }
  }

  private async load(siteId: string, jobId: string) {
    const events = await this.store.readStream(this.stream(siteId, jobId));
    const state = events.map((e) => recordOf<BulkJobEventRecord>(e)).reduce<BulkJobState | undefined>(evolveBulkJob, undefined);
    const created = events[0];
    const context: RequestContext | undefined = created && {
      siteId,
      actor: created.actor ?? { type: 'SYSTEM', id: 'bulk-job' },
      correlationId: jobId,
      permissions: (state?.spec as { permissions?: string[] } | undefined)?.permissions,
    };
    return { state, context, revision: events.length === 0 ? ('no_stream' as const) : events[events.length - 1].revision };
  }

  /**
   * Folds each event onto the job's progress in its document; only a gap (or a document of an
   * older version) folds the stream, whose first event holds every contact id of the job.
   */
  private async project(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith(BULK_JOB_STREAM_PREFIX)) return;
    const jobId = streamEntityId(event.streamId);
    const _id = siteDocumentId(event.siteId, jobId);
    const existing = await this.jobs.findOne({ _id }, { readOnly: true });
    if (existing && existing.revision >= event.revision) return;
    const record = recordOf<BulkJobEventRecord>(event);
    let progress: BulkJobProgress | undefined;
    let revision = event.revision;
    if (record.type === 'BulkJobCreated') progress = evolveBulkJobProgress(undefined, record);
    else if (existing?.progress && existing.revision === event.revision - 1) progress = evolveBulkJobProgress(existing.progress, record);
    else {
      const loaded = await this.load(event.siteId, jobId);
      if (!loaded.state || loaded.revision === 'no_stream') return;
      const { spec: _spec, contactIds: _ids, ...rest } = loaded.state;
      [progress, revision] = [rest, loaded.revision];
    }
    await this.jobs.replaceOne({ _id }, { _id, siteId: event.siteId, revision, job: toView(progress), progress }, { upsert: true });
  }

  private stream(siteId: string, jobId: string): string {
    return siteStream(BULK_JOB_STREAM_PREFIX, siteId, jobId);
  }

  private metadata(context: RequestContext) {
    return { siteId: context.siteId, occurredAt: new Date().toISOString(), correlationId: context.correlationId, actor: context.actor };
  }
}
