import { BulkJobCommand, BulkJobEventRecord, BulkJobState, decideBulkJob, evolveBulkJob } from '@cp/contacts-domain';
import { RequestContext, siteStream } from '@cp/contracts';
import { AppendResult, EventStore, handleCommand, KnownState, RecordedEvent, recordOf } from '@cp/event-store';
import { Clock } from './clock';
import { metadataFor } from './event-metadata';

export const BULK_JOB_STREAM_PREFIX = 'contactbulkjob-';

/** A job as its runner holds it: its state, the stream revision it was folded to, and who it acts as. */
export interface LoadedBulkJob {
  state: BulkJobState;
  revision: number;
  context: RequestContext;
}

export function bulkJobStream(siteId: string, jobId: string): string {
  return siteStream(BULK_JOB_STREAM_PREFIX, siteId, jobId);
}

export function foldBulkJob(events: readonly RecordedEvent[], from?: BulkJobState): BulkJobState | undefined {
  return events.map((event) => recordOf<BulkJobEventRecord>(event)).reduce<BulkJobState | undefined>(evolveBulkJob, from);
}

/** The write side of bulk jobs: every change to a job goes through the decider and the command handler. */
export class BulkJobCommands {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async create(context: RequestContext, command: Extract<BulkJobCommand, { type: 'CreateBulkJob' }>): Promise<AppendResult | undefined> {
    return (await this.decide(context, command.data.jobId, command)).appended;
  }

  /**
   * A runner's command on the job it holds: only the events after its revision are read (the first
   * one lists every contact). Only its runner writes to a job after its creation, so events after
   * that revision are another runner's (another instance resumed the job too): this one has lost
   * the job, records nothing and stops (`lost`).
   */
  async record(job: LoadedBulkJob, command: Exclude<BulkJobCommand, { type: 'CreateBulkJob' }>): Promise<{ job: LoadedBulkJob; appended?: AppendResult; lost?: true }> {
    const { state, revision, appended, lost } = await this.decide(job.context, job.state.id, command, { state: job.state, revision: job.revision });
    if (lost) return { job, lost };
    return { job: { ...job, state: state!, revision }, appended };
  }

  async load(siteId: string, jobId: string): Promise<LoadedBulkJob | undefined> {
    const events = await this.store.readStream(bulkJobStream(siteId, jobId));
    const state = foldBulkJob(events);
    if (!state) return undefined;
    const created = events[0];
    const context: RequestContext = {
      siteId,
      actor: created.actor ?? { type: 'SYSTEM', id: 'bulk-job' },
      correlationId: jobId,
      permissions: state.spec.permissions,
    };
    return { state, context, revision: events[events.length - 1].revision };
  }

  private async decide(context: RequestContext, jobId: string, command: BulkJobCommand, known?: KnownState<BulkJobState | undefined>) {
    let occurredAt = this.clock.now();
    let lost = false;
    const { result: state, appended, revision } = await handleCommand(
      this.store,
      bulkJobStream(context.siteId, jobId),
      (events, from) => {
        if (known && events.length > 0) lost = true;
        return foldBulkJob(events, from);
      },
      (current) => {
        if (lost) return { events: [], result: current };
        const events = decideBulkJob(command, current);
        occurredAt = this.clock.now();
        return { events, result: events.reduce<BulkJobState | undefined>((next, event) => evolveBulkJob(next, { ...event, occurredAt } as BulkJobEventRecord), current) };
      },
      { metadata: () => metadataFor(context, occurredAt), subject: `bulk job ${jobId}`, known },
    );
    return { state, revision, appended, lost };
  }
}
