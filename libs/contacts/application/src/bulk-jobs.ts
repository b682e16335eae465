import { BulkJobSpec, checkBulkJobSpec, normalizeInfoPatch } from '@cp/contacts-domain';
import { RequestContext } from '@cp/contracts';
import { EventStore } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger, ReadStoreLeases } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { Clock, IdSource } from './clock';
import { BulkJobCommands } from './bulk-job-commands';
import { ChunkedLists, LIST_CHUNK_ITEMS } from './chunked-lists';
import { BulkJobRunner } from './bulk-job-runner';
import { BulkJobView, BulkJobViews } from './bulk-job-views';
import { ContactCommands } from './contact-commands';
import { ContactQueries } from './contact-queries';
import { ContactReferences } from './contact-references';

export { BULK_JOB_STREAM_PREFIX } from './bulk-job-commands';
/** The stream of a job's list of contacts (ChunkedLists). */
export const BULK_JOB_LIST_STREAM_PREFIX = 'contactbulkjoblist-';
export type { BulkJobView } from './bulk-job-views';

/**
 * Bulk delete, update and (un)labelling as asynchronous jobs (API.md §3.11): what the API calls.
 * A job fixes the contacts it acts on when it is created (BulkJobCommands), runs in the
 * background (BulkJobRunner) and is followed through its read model (BulkJobViews).
 */
export class BulkJobs {
  private readonly commands: BulkJobCommands;
  private readonly views: BulkJobViews;
  private readonly runner: BulkJobRunner;
  private readonly lists: ChunkedLists<string>;

  constructor(
    store: EventStore,
    readStore: ReadStore,
    contacts: ContactCommands,
    private readonly queries: ContactQueries,
    contactsProjection: { waitFor(position: number, timeoutMs?: number): Promise<void> },
    private readonly references: ContactReferences,
    private readonly newId: IdSource,
    private readonly clock: Clock,
    logger: ProjectionLogger,
    listChunkSize = LIST_CHUNK_ITEMS,
  ) {
    this.lists = new ChunkedLists(store, BULK_JOB_LIST_STREAM_PREFIX, listChunkSize);
    this.commands = new BulkJobCommands(store, clock);
    this.views = new BulkJobViews(store, readStore, this.commands, logger);
    this.runner = new BulkJobRunner(store, this.commands, this.views, this.lists, contacts, contactsProjection, new ReadStoreLeases(readStore), logger);
  }

  get projection(): CheckpointedProjection {
    return this.views.projection;
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
    checkBulkJobSpec(checked);
    const contactIds = await this.queries.matchingIds(context, spec.filter, spec.search);
    const jobId = this.newId();
    const withPermissions: BulkJobSpec = { ...checked, ...(context.permissions && { permissions: context.permissions }) };
    // The list first, the job last: a job exists only with its whole list (see ChunkedLists).
    const shape = await this.lists.write(context, jobId, contactIds, this.clock.now());
    const appended = await this.commands.create(context, { type: 'CreateBulkJob', data: { jobId, spec: withPermissions, ...shape } });
    if (appended) await this.views.showCommitted(appended);
    this.runner.start(context.siteId, jobId);
    return { jobId };
  }

  get(context: RequestContext, jobId: string): Promise<{ job: BulkJobView }> {
    return this.views.get(context, jobId);
  }

  list(context: RequestContext, paging?: { limit?: number | string; offset?: number | string }): Promise<{ jobs: BulkJobView[] }> {
    return this.views.list(context, paging);
  }

  resumeUnfinished(): Promise<void> {
    return this.runner.resumeUnfinished();
  }

  idle(): Promise<void> {
    return this.runner.idle();
  }

  /** Lets running jobs finish their current batch and record it; they resume on the next start. */
  async stop(): Promise<void> {
    await this.runner.stop();
    await this.views.projection.stop();
  }
}
