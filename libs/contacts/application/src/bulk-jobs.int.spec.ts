import { InMemoryEventStore } from '@cp/event-store';
import { siteDocumentId } from '@cp/contracts';
import { ReadStoreLeases } from '@cp/projection';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication, createContactsApplication } from './index';
import { logger, owners, siteB, useRunningApplication } from './test/contacts-application-fixture';
import { siteA } from './test/contacts-test-kit';

describe('contacts application', () => {
  const running = useRunningApplication();
  let app: ContactsApplication;
  let events: InMemoryEventStore;
  let reads: EmbeddedReadStore;
  beforeEach(() => ({ app, events, reads } = running));

  describe('bulk jobs', () => {
    async function seed(count: number, info: (i: number) => Record<string, unknown>) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await app.commands.create(siteA, { info: info(i) })).id);
      return ids;
    }
    const finished = async (jobId: string) => {
      await app.bulkJobs.idle();
      return (await app.bulkJobs.get(siteA, jobId)).job;
    };

    it('deletes by filter and search, one event per contact, skipping members with an error', async () => {
      const ids = await seed(120, (i) => ({ name: { first: i % 2 ? 'Odd' : 'Even' }, company: 'Acme' }));
      await app.commands.update({ ...siteA, permissions: ['MEMBERS.MODIFY'] }, { contactId: ids[0], revision: 1, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } });
      const { jobId } = await app.bulkJobs.create(siteA, { type: 'DELETE', filter: { 'info.name.first': 'Even' }, search: 'even' });
      const job = await finished(jobId);
      expect(job).toMatchObject({ type: 'DELETE', status: 'COMPLETED', totalItems: 60, successTotal: 59, failedTotal: 1 });
      expect(job.errors).toEqual([{ contactId: ids[0], code: 'CONTACT_IS_MEMBER', description: expect.any(String), data: { contactId: ids[0] } }]);
      expect(job.finishedDate).toEqual(expect.any(String));
      await app.projection.waitFor(await events.headPosition());
      expect((await app.queries.query(siteA, { filter: { 'info.name.first': 'Even' } })).pagingMetadata.total).toBe(1);
      expect((await app.queries.query(siteA, { filter: { 'info.name.first': 'Odd' } })).pagingMetadata.total).toBe(60);
      expect((await app.bulkJobs.list(siteA)).jobs.map((j) => j.id)).toEqual([jobId]);
      expect((await app.bulkJobs.list(siteB)).jobs).toEqual([]);
    });

    it('updates and relabels matching contacts, each getting its own revision', async () => {
      const ids = await seed(3, (i) => ({ name: { first: `U${i}` } }));
      const update = await app.bulkJobs.create(siteA, { type: 'UPDATE', filter: { id: { $in: ids.slice(0, 2) } }, info: { company: 'Bulk Co' } });
      expect(await finished(update.jobId)).toMatchObject({ successTotal: 2, failedTotal: 0 });
      const labels = await app.bulkJobs.create(siteA, { type: 'ADD_REMOVE_LABELS', filter: { 'info.company': 'Bulk Co' }, labelKeysToAdd: ['custom.vip'] });
      expect(await finished(labels.jobId)).toMatchObject({ type: 'ADD_REMOVE_LABELS', successTotal: 2 });
      for (const id of ids.slice(0, 2)) {
        expect((await app.queries.get(siteA, { contactId: id })).contact).toMatchObject({ revision: 3, info: { company: 'Bulk Co', labelKeys: { items: ['custom.vip'] } } });
      }
      expect((await app.queries.get(siteA, { contactId: ids[2] })).contact.revision).toBe(1);
    });

    it('checks its input before it starts', async () => {
      await expect(app.bulkJobs.create(siteA, { type: 'DELETE' })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
      await expect(app.bulkJobs.create(siteA, { type: 'DELETE', filter: { nope: 1 } })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
      await expect(app.bulkJobs.create(siteA, { type: 'ADD_REMOVE_LABELS', filter: {}, labelKeysToAdd: ['custom.ghost'] })).rejects.toMatchObject({ code: 'LABEL_NOT_FOUND' });
      await expect(app.bulkJobs.create(siteA, { type: 'UPDATE', filter: {}, info: { birthdate: 'never' } })).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT' });
      await expect(app.bulkJobs.get(siteA, 'nope')).rejects.toMatchObject({ code: 'BULK_JOB_NOT_FOUND' });
    });

    it('resumes an interrupted job from its last recorded progress and does nothing twice', async () => {
      const ids = await seed(120, (i) => ({ name: { first: `R${i}` } }));
      // A job that recorded its first batch of 50 and then stopped (its process died).
      const stream = 'contactbulkjob-site-a.job-1';
      const metadata = { siteId: 'site-a', actor: { type: 'API_KEY' as const, id: 'k' } };
      await events.append(stream, [
        { type: 'BulkJobCreated', data: { jobId: 'job-1', spec: { type: 'UPDATE', filter: {}, info: { company: 'Resumed' } }, contactIds: ids }, metadata },
        { type: 'BulkJobStarted', data: {}, metadata },
        { type: 'BulkJobProgressed', data: { processed: 50, succeeded: 50, failed: 0, errors: [] }, metadata },
      ], 'no_stream');
      await app.bulkJobs.stop();
      const restarted = createContactsApplication({ eventStore: events, readStore: reads, owners, logger, dataKeys: running.dataKeys });
      await restarted.projection.start();
      await restarted.bulkJobs.projection.start();
      await restarted.bulkJobs.resumeUnfinished();
      await restarted.bulkJobs.idle();
      expect((await restarted.bulkJobs.get(siteA, 'job-1')).job).toMatchObject({ status: 'COMPLETED', totalItems: 120, successTotal: 120 });
      await restarted.projection.waitFor(await events.headPosition());
      expect((await restarted.queries.get(siteA, { contactId: ids[49] })).contact).toMatchObject({ revision: 1 });
      expect((await restarted.queries.get(siteA, { contactId: ids[50] })).contact).toMatchObject({ revision: 2, info: { company: 'Resumed' } });
      await restarted.bulkJobs.stop();
      await restarted.projection.stop();
    });
    it('is taken over by another replica once the lease of the runner that died expires, and completes once', async () => {
      const ids = await seed(60, (i) => ({ name: { first: `T${i}` } }));
      const metadata = { siteId: 'site-a', actor: { type: 'API_KEY' as const, id: 'k' } };
      await events.append('contactbulkjob-site-a.job-2', [
        { type: 'BulkJobCreated', data: { jobId: 'job-2', spec: { type: 'UPDATE', filter: {}, info: { company: 'Taken over' } }, contactIds: ids }, metadata },
        { type: 'BulkJobStarted', data: {}, metadata },
      ], 'no_stream');
      // The replica running it died holding its lease, which has a moment left.
      expect(await new ReadStoreLeases(reads).acquire(`bulk-job:${siteDocumentId('site-a', 'job-2')}`, 'dead-replica', 300)).toBe(true);
      await app.bulkJobs.resumeUnfinished();
      await app.bulkJobs.idle();
      await app.projection.waitFor(await events.headPosition());
      expect((await app.queries.get(siteA, { contactId: ids[0] })).contact.revision).toBe(1); // not run while the lease holds
      for (let waited = 0; (await app.bulkJobs.get(siteA, 'job-2')).job.status !== 'COMPLETED' && waited < 15_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await app.bulkJobs.idle();
      }
      expect((await app.bulkJobs.get(siteA, 'job-2')).job).toMatchObject({ status: 'COMPLETED', totalItems: 60, successTotal: 60 });
      await app.projection.waitFor(await events.headPosition());
      for (const id of [ids[0], ids[59]]) expect((await app.queries.get(siteA, { contactId: id })).contact).toMatchObject({ revision: 2, info: { company: 'Taken over' } });
    }, 30_000);

    it('acts on a list kept in chunks beside the job, also when resumed in the middle of a chunk', async () => {
      const ids = await seed(130, (i) => ({ name: { first: `C${i}` }, company: 'Chunked' }));
      await app.bulkJobs.stop();
      const chunked = createContactsApplication({ eventStore: events, readStore: reads, owners, logger, listChunkSize: 40, dataKeys: running.dataKeys });
      await chunked.projection.start();
      await chunked.bulkJobs.projection.start();
      const { jobId } = await chunked.bulkJobs.create(siteA, { type: 'UPDATE', filter: { 'info.company': 'Chunked' }, info: { jobTitle: 'Listed' } });
      await chunked.bulkJobs.idle();
      expect((await chunked.bulkJobs.get(siteA, jobId)).job).toMatchObject({ status: 'COMPLETED', totalItems: 130, successTotal: 130 });
      const list = await events.readStream(`contactbulkjoblist-site-a.${jobId}`);
      expect(list.map((e) => (e.data as { items: string[] }).items.length)).toEqual([40, 40, 40, 10]);
      expect((await events.readStream(`contactbulkjob-site-a.${jobId}`))[0].data).toMatchObject({ totalItems: 130, chunkSize: 40 });
      expect(new Set(list.flatMap((e) => (e.data as { items: string[] }).items))).toEqual(new Set(ids));

      // The same list, and a job that stopped after 50 of them (in its second chunk).
      const metadata = { siteId: 'site-a', actor: { type: 'API_KEY' as const, id: 'k' } };
      await events.append('contactbulkjoblist-site-a.job-3', list.map((e) => ({ type: e.type, data: e.data, metadata })), 'no_stream');
      await events.append('contactbulkjob-site-a.job-3', [
        { type: 'BulkJobCreated', data: { jobId: 'job-3', spec: { type: 'UPDATE', filter: {}, info: { jobTitle: 'Resumed' } }, totalItems: 130, chunkSize: 40 }, metadata },
        { type: 'BulkJobStarted', data: {}, metadata },
        { type: 'BulkJobProgressed', data: { processed: 50, succeeded: 50, failed: 0, errors: [] }, metadata },
      ], 'no_stream');
      await chunked.bulkJobs.projection.waitFor(await events.headPosition()); // the sweep finds jobs in their read model
      await chunked.bulkJobs.resumeUnfinished();
      await chunked.bulkJobs.idle();
      expect((await chunked.bulkJobs.get(siteA, 'job-3')).job).toMatchObject({ status: 'COMPLETED', successTotal: 130 });
      await chunked.projection.waitFor(await events.headPosition());
      const titles = (await chunked.queries.query(siteA, { filter: { 'info.company': 'Chunked' }, paging: { limit: 200 } })).contacts.map((c) => c.info.jobTitle);
      expect([titles.filter((t) => t === 'Resumed').length, titles.filter((t) => t === 'Listed').length]).toEqual([80, 50]);
      await chunked.bulkJobs.stop();
      await chunked.projection.stop();
    });
  });
});
