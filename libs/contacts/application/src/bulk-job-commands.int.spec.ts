import { SqliteEventStore } from '@cp/event-store';
import { BulkJobCommands } from './bulk-job-commands';
import { systemClock } from './clock';
import { siteA } from './test/contacts-test-kit';

describe('bulk job commands', () => {
  it('a runner whose job another runner has recorded since loses it and records nothing', async () => {
    const store = new SqliteEventStore(':memory:');
    const commands = new BulkJobCommands(store, systemClock);
    await commands.create(siteA, { type: 'CreateBulkJob', data: { jobId: 'j1', spec: { type: 'DELETE', filter: {} }, totalItems: 2, chunkSize: 5000 } });
    // Two instances resume the same job.
    const [one, two] = [(await commands.load('site-a', 'j1'))!, (await commands.load('site-a', 'j1'))!];
    const started = await commands.record(one, { type: 'StartBulkJob' });
    expect(started.lost).toBeUndefined();
    expect(started.job.state.status).toBe('RUNNING');

    const other = await commands.record(two, { type: 'StartBulkJob' });
    expect(other.lost).toBe(true);
    const progress = { type: 'RecordBulkJobProgress' as const, data: { processed: 2, succeeded: 2, failed: 0, errors: [] } };
    expect((await commands.record(two, progress)).lost).toBe(true);

    // The runner that holds it goes on, reading only what follows its revision.
    const recorded = await commands.record(started.job, progress);
    expect(recorded.job.state).toMatchObject({ processed: 2, successTotal: 2 });
    expect((await commands.record(recorded.job, { type: 'CompleteBulkJob' })).job.state.status).toBe('COMPLETED');
    expect((await store.readStream('contactbulkjob-site-a.j1')).map((e) => e.type)).toEqual(['BulkJobCreated', 'BulkJobStarted', 'BulkJobProgressed', 'BulkJobCompleted']);
    await store.close();
  });
});
