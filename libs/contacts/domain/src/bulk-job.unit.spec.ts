import { DeciderSpecification } from '@cp/testing';
import { BulkJobEventRecord, decideBulkJob, evolveBulkJob, initialBulkJobState } from './bulk-job';

const given = DeciderSpecification.for({ decide: decideBulkJob, evolve: evolveBulkJob, initialState: initialBulkJobState });
const at = '2026-01-01T00:00:00.000Z';
const created = { type: 'BulkJobCreated', data: { jobId: 'j1', spec: { type: 'DELETE', filter: {} }, totalItems: 3, chunkSize: 5000 }, occurredAt: at } satisfies BulkJobEventRecord;
/** As stored before lists were chunked: the ids in the event. */
const createdWithIds: BulkJobEventRecord = { type: 'BulkJobCreated', data: { jobId: 'j1', spec: { type: 'DELETE', filter: {} }, contactIds: ['c1', 'c2', 'c3'] }, occurredAt: at };
const started: BulkJobEventRecord = { type: 'BulkJobStarted', data: {}, occurredAt: at };
const progressed = (processed: number): BulkJobEventRecord => ({ type: 'BulkJobProgressed', data: { processed, succeeded: processed, failed: 0, errors: [] }, occurredAt: at });
const progress = (processed: number) => ({ type: 'RecordBulkJobProgress' as const, data: { processed, succeeded: processed, failed: 0, errors: [] } });

describe('bulk job decider', () => {
  it('creates a job with its contacts, once', () => {
    given([]).when({ type: 'CreateBulkJob', data: created.data }).then([{ type: 'BulkJobCreated', data: created.data }]);
    given([created]).when({ type: 'CreateBulkJob', data: created.data }).thenThrows({ code: 'BULK_JOB_EXISTS' });
  });

  it('refuses a job that would not know what to do', () => {
    given([]).when({ type: 'CreateBulkJob', data: { ...created.data, spec: { type: 'DELETE' } } }).thenThrows({ code: 'INVALID_ARGUMENT' });
    given([]).when({ type: 'CreateBulkJob', data: { ...created.data, spec: { type: 'ADD_LABELS', filter: {} } } }).thenThrows({ code: 'INVALID_ARGUMENT' });
  });

  it('starts a new job once', () => {
    given([created]).when({ type: 'StartBulkJob' }).then([{ type: 'BulkJobStarted', data: {} }]);
    given([created, started]).when({ type: 'StartBulkJob' }).thenNothingHappened();
    given([]).when({ type: 'StartBulkJob' }).thenThrows({ code: 'BULK_JOB_NOT_FOUND' });
  });

  it('records a batch once, and only while running', () => {
    given([created, started]).when(progress(2)).then([{ type: 'BulkJobProgressed', data: progress(2).data }]);
    given([created, started, progressed(2)]).when(progress(2)).thenNothingHappened();
    given([created]).when(progress(2)).thenThrows({ code: 'BULK_JOB_NOT_RUNNING' });
    given([created, started]).when(progress(4)).thenThrows({ code: 'INVALID_ARGUMENT' });
  });

  it('completes once every contact is processed, and only then', () => {
    given([created, started, progressed(3)]).when({ type: 'CompleteBulkJob' }).then([{ type: 'BulkJobCompleted', data: {} }]);
    given([created, started, progressed(2)]).when({ type: 'CompleteBulkJob' }).thenThrows({ code: 'BULK_JOB_NOT_DONE' });
    given([created, started, progressed(3), { type: 'BulkJobCompleted', data: {}, occurredAt: at }]).when({ type: 'CompleteBulkJob' }).thenNothingHappened();
  });

  it('reads a job stored with its contact ids in its first event as one of as many contacts', () => {
    given([createdWithIds, started]).when(progress(4)).thenThrows({ code: 'INVALID_ARGUMENT' });
    given([createdWithIds, started, progressed(3)]).when({ type: 'CompleteBulkJob' }).then([{ type: 'BulkJobCompleted', data: {} }]);
    expect(evolveBulkJob(undefined, createdWithIds)).toMatchObject({ totalItems: 3, contacts: { contactIds: ['c1', 'c2', 'c3'] } });
  });
});
