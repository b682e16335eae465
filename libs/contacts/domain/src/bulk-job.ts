import { AppError } from '@cp/errors';

/**
 * A bulk job (API.md §3.11) is an aggregate of its own (stream `contactbulkjob-<site>.<jobId>`).
 * It fixes the contacts it will act on when it is created (a list kept in chunks beside it, named
 * by its shape; a job stored before lists were chunked holds them in its first event), then records its progress in batches, so a
 * job that is interrupted resumes where it stopped; what it does to each contact is idempotent,
 * so redoing the last unrecorded batch changes nothing.
 */
export type BulkJobType = 'DELETE' | 'UPDATE' | 'ADD_LABELS' | 'REMOVE_LABELS' | 'ADD_REMOVE_LABELS';
export type BulkJobStatus = 'NEW' | 'RUNNING' | 'COMPLETED';

export interface BulkJobError {
  contactId: string;
  code: string;
  description: string;
  /** The error's data, as a single call would answer it (e.g. `duplicateContactId`). */
  data?: Record<string, unknown>;
}

export interface BulkJobSpec {
  type: BulkJobType;
  filter?: Record<string, unknown>;
  search?: string;
  info?: Record<string, unknown>;
  labelKeysToAdd?: string[];
  labelKeysToRemove?: string[];
  /** The creator's permissions, which the job acts with. */
  permissions?: string[];
}

export type BulkJobEvent =
  | { type: 'BulkJobCreated'; data: { jobId: string; spec: BulkJobSpec } & BulkJobContacts }
  | { type: 'BulkJobStarted'; data: Record<string, never> }
  | { type: 'BulkJobProgressed'; data: { processed: number; succeeded: number; failed: number; errors: BulkJobError[] } }
  | { type: 'BulkJobCompleted'; data: Record<string, never> };

export type BulkJobEventRecord = BulkJobEvent & { occurredAt: string };

/** The job's contacts: how many, and how their list is cut into chunks; or, stored before lists were chunked, the ids themselves. */
export type BulkJobContacts = { totalItems: number; chunkSize: number; contactIds?: undefined } | { contactIds: string[]; totalItems?: undefined; chunkSize?: undefined };

/** What a job's events after its creation change: everything but its spec and its contacts. */
export interface BulkJobProgress {
  id: string;
  type: BulkJobType;
  status: BulkJobStatus;
  createdDate: string;
  startedDate?: string;
  finishedDate?: string;
  totalItems: number;
  processed: number;
  successTotal: number;
  failedTotal: number;
  errors: BulkJobError[];
}

export interface BulkJobState extends BulkJobProgress {
  spec: BulkJobSpec;
  contacts: BulkJobContacts;
}

/** At most this many errors are kept on a job; the counts stay exact. */
export const MAX_JOB_ERRORS = 100;

export function evolveBulkJob(state: BulkJobState | undefined, event: BulkJobEventRecord): BulkJobState {
  if (event.type === 'BulkJobCreated') {
    const { jobId: _jobId, spec, ...contacts } = event.data;
    return { ...evolveBulkJobProgress(undefined, event), spec, contacts };
  }
  if (!state) throw new Error(`${event.type} before BulkJobCreated`);
  return { ...state, ...evolveBulkJobProgress(state, event) };
}

/** Folds a job's progress alone, so a read model can follow a job without its list of contacts. */
export function evolveBulkJobProgress(progress: BulkJobProgress | undefined, event: BulkJobEventRecord): BulkJobProgress {
  if (event.type === 'BulkJobCreated') {
    return {
      id: event.data.jobId,
      type: event.data.spec.type,
      status: 'NEW',
      createdDate: event.occurredAt,
      totalItems: event.data.contactIds?.length ?? event.data.totalItems!,
      processed: 0,
      successTotal: 0,
      failedTotal: 0,
      errors: [],
    };
  }
  if (!progress) throw new Error(`${event.type} before BulkJobCreated`);
  switch (event.type) {
    case 'BulkJobStarted':
      return { ...progress, status: 'RUNNING', startedDate: progress.startedDate ?? event.occurredAt };
    case 'BulkJobProgressed':
      return {
        ...progress,
        processed: event.data.processed,
        successTotal: progress.successTotal + event.data.succeeded,
        failedTotal: progress.failedTotal + event.data.failed,
        errors: [...progress.errors, ...event.data.errors].slice(0, MAX_JOB_ERRORS),
      };
    case 'BulkJobCompleted':
      return { ...progress, status: 'COMPLETED', finishedDate: event.occurredAt };
  }
}

/** What a bulk job is asked to do: be created (by the API), then start, record a batch and complete (by its runner). */
export type BulkJobCommand =
  | { type: 'CreateBulkJob'; data: { jobId: string; spec: BulkJobSpec; totalItems: number; chunkSize: number } }
  | { type: 'StartBulkJob' }
  | { type: 'RecordBulkJobProgress'; data: { processed: number; succeeded: number; failed: number; errors: BulkJobError[] } }
  | { type: 'CompleteBulkJob' };

export const initialBulkJobState = (): BulkJobState | undefined => undefined;

/**
 * The bulk job's decider. The runner's commands are idempotent: a start, a batch or a completion
 * already recorded (by this runner before a crash, or by another one) records nothing again.
 */
export function decideBulkJob(command: BulkJobCommand, state: BulkJobState | undefined): BulkJobEvent[] {
  if (command.type === 'CreateBulkJob') {
    if (state) throw AppError.conflict('BULK_JOB_EXISTS', `Bulk job ${command.data.jobId} exists already`);
    checkBulkJobSpec(command.data.spec);
    return [{ type: 'BulkJobCreated', data: command.data }];
  }
  if (!state) throw AppError.notFound('BULK_JOB_NOT_FOUND', `No bulk job to ${command.type}`);
  switch (command.type) {
    case 'StartBulkJob':
      return state.status === 'NEW' ? [{ type: 'BulkJobStarted', data: {} }] : [];
    case 'RecordBulkJobProgress':
      if (state.status !== 'RUNNING') throw AppError.precondition('BULK_JOB_NOT_RUNNING', `Bulk job ${state.id} is ${state.status}`);
      if (command.data.processed > state.totalItems) throw AppError.invalidField('processed', `the job has ${state.totalItems} contacts`);
      return command.data.processed > state.processed ? [{ type: 'BulkJobProgressed', data: command.data }] : [];
    case 'CompleteBulkJob':
      if (state.status === 'COMPLETED') return [];
      if (state.status !== 'RUNNING' || state.processed < state.totalItems) {
        throw AppError.precondition('BULK_JOB_NOT_DONE', `Bulk job ${state.id} has processed ${state.processed} of ${state.totalItems}`);
      }
      return [{ type: 'BulkJobCompleted', data: {} }];
    default:
      return exhaustive(command);
  }
}

function exhaustive(command: never): never {
  throw new Error(`Unknown bulk job command ${JSON.stringify(command)}`);
}

/** What a job must say to be created: refused before its list of contacts is stored. */
export function checkBulkJobSpec(spec: BulkJobSpec): void {
  if (spec.filter === undefined && (spec.search === undefined || spec.search.trim() === '')) {
    throw AppError.invalidField('filter', 'give a filter, a search, or both', 'REQUIRED');
  }
  const isLabelJob = spec.type === 'ADD_REMOVE_LABELS' || spec.type === 'ADD_LABELS' || spec.type === 'REMOVE_LABELS';
  if (isLabelJob && !spec.labelKeysToAdd?.length && !spec.labelKeysToRemove?.length) {
    throw AppError.invalidField('labelKeysToAdd', 'give labelKeysToAdd, labelKeysToRemove, or both', 'REQUIRED');
  }
  if (spec.type === 'UPDATE' && (!spec.info || Object.keys(spec.info).length === 0)) {
    throw AppError.invalidField('info', 'give the info to set', 'REQUIRED');
  }
}

/** The job type Wix reports for a label job. */
export function labelJobType(add: readonly string[] | undefined, remove: readonly string[] | undefined): BulkJobType {
  if (add?.length && remove?.length) return 'ADD_REMOVE_LABELS';
  return add?.length ? 'ADD_LABELS' : 'REMOVE_LABELS';
}
