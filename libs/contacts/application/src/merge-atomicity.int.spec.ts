import { createContact, fold, mergeContacts } from '@cp/contacts-domain';
import { AppendResult, InMemoryEventStore, NewEvent, StreamAppend } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication, contactStream, MERGE_RESERVATION_STREAM_PREFIX, mergeReservationStream } from './index';
import { expectError, siteA, startContacts, stopContacts } from './test/contacts-test-kit';

type AppendFilter = (stream: string, events: NewEvent[]) => boolean;

/** An event store that lets a test act at a chosen append: run a concurrent request first, or die. */
class ScriptedEventStore extends InMemoryEventStore {
  private before: { when: AppendFilter; run: () => Promise<void> }[] = [];
  private dying: AppendFilter | undefined;

  /** Runs `run` once, just before the first append that `when` selects. */
  beforeAppend(when: AppendFilter, run: () => Promise<void>): void {
    this.before.push({ when, run });
  }

  /** From now on every append `when` selects fails, as if the process had died there. */
  dieAt(when: AppendFilter | undefined): void {
    this.dying = when;
  }

  /** Every append goes through here (`append` too), alone or with others in one transaction. */
  override async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const hook = this.before.find((h) => appends.some(({ streamId, events }) => h.when(streamId, events)));
    if (hook) {
      this.before = this.before.filter((h) => h !== hook);
      await hook.run();
    }
    if (appends.some(({ streamId, events }) => this.dying?.(streamId, events))) throw new Error('the process died here');
    return super.appendToStreams(appends);
  }
}

const isMergeCommit = (targetId: string): AppendFilter => (stream, events) => stream === contactStream('site-a', targetId) && events.some((e) => e.type === 'ContactsMerged');
const isReservation: AppendFilter = (stream) => stream.startsWith(MERGE_RESERVATION_STREAM_PREFIX);

describe('merge is all or nothing', () => {
  let events: ScriptedEventStore;
  let app: ContactsApplication;
  const apps: ContactsApplication[] = [];
  const start = async () => {
    const started = await startContacts(events, new EmbeddedReadStore());
    apps.push(started);
    return started;
  };

  beforeEach(async () => {
    events = new ScriptedEventStore();
    app = await start();
  });
  afterEach(async () => {
    events.dieAt(undefined);
    for (const started of apps.splice(0)) await stopContacts(started);
  });

  const create = (first: string, email?: string, allowDuplicates = false) =>
    app.commands.create(siteA, { info: { name: { first }, ...(email && { emails: { items: [{ email }] } }) }, allowDuplicates });
  const get = (contactId: string, on = app) => on.queries.get(siteA, { contactId });
  const typesOf = async (contactId: string) => (await events.readStream(contactStream('site-a', contactId))).map((e) => e.type);

  it('a source deleted between the merge reading it and the commit point is still merged, with no 404', async () => {
    const target = await create('Target', 't@example.com');
    const source = await create('Source', 's@example.com');
    events.beforeAppend(isMergeCommit(target.id), async () => {
      await app.commands.delete(siteA, { contactId: source.id });
    });
    const merged = await app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 1, sourceContactIds: [source.id] });
    expect(merged.info.emails!.items.map((e) => e.email)).toEqual(['t@example.com', 's@example.com']);
    expect(await get(source.id)).toMatchObject({ responseType: 'MERGED', contact: { id: target.id } });
    expect(await typesOf(source.id)).toEqual(['ContactCreated', 'ContactDeleted', 'ContactDeleted']);
    // The source's email belongs to the target now.
    const duplicate = await expectError(create('New', 's@example.com'), 'DUPLICATE_CONTACT_EXISTS');
    expect(duplicate.data.duplicateContactId).toBe(target.id);
  });

  it('a merge interrupted after its commit point is completed by the next start', async () => {
    const target = await create('Target', 't@example.com');
    const sources = [await create('One', 'one@example.com'), await create('Two', 'two@example.com')];
    const sourceStreams = sources.map((s) => contactStream('site-a', s.id));
    events.dieAt((stream) => sourceStreams.includes(stream));
    await expect(app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 1, sourceContactIds: sources.map((s) => s.id) })).rejects.toThrow('the process died here');
    expect(await typesOf(sources[0].id)).toEqual(['ContactCreated']);

    await stopContacts(apps.shift()!);
    events.dieAt(undefined);
    const restarted = await start();
    await restarted.mergeCompleter.projection.waitUntilCaughtUp();
    await restarted.projection.waitFor(await events.headPosition());
    for (const source of sources) {
      expect(await get(source.id, restarted)).toMatchObject({ responseType: 'MERGED', contact: { id: target.id, revision: 2 } });
    }
    const duplicate = await expectError(restarted.commands.create(siteA, { info: { emails: { items: [{ email: 'two@example.com' }] } } }), 'DUPLICATE_CONTACT_EXISTS');
    expect(duplicate.data.duplicateContactId).toBe(target.id);
  });

  it('completes a merge event found in the store on start, and redoing it changes nothing', async () => {
    const target = await create('Target', 't@example.com');
    const source = await create('Source', 's@example.com');
    // The target's ContactsMerged as a request that died right after appending it left it.
    const state = (id: string, info: Record<string, unknown>) => fold(createContact(undefined, { contactId: id, info }, () => 'x').map((e) => ({ ...e, occurredAt: target.createdDate })));
    const merge = mergeContacts(state(target.id, { name: { first: 'Target' } }), [state(source.id, { name: { first: 'Source' } })], { sourceContactIds: [source.id], targetRevision: 1, mergeId: 'm-1' });
    await events.append(contactStream('site-a', target.id), merge.map((e) => ({ ...e, metadata: { siteId: 'site-a' } })), 0);

    await stopContacts(apps.shift()!);
    const restarted = await start();
    await restarted.mergeCompleter.projection.waitUntilCaughtUp();
    await restarted.projection.waitFor(await events.headPosition());
    expect(await get(source.id, restarted)).toMatchObject({ responseType: 'MERGED', contact: { id: target.id } });

    // Delivered again (a checkpoint lost, a second replica): nothing more is written.
    const head = await events.headPosition();
    await stopContacts(apps.shift()!);
    const again = await start();
    await again.mergeCompleter.projection.waitUntilCaughtUp();
    expect(await events.headPosition()).toBe(head);
    expect(await typesOf(source.id)).toEqual(['ContactCreated', 'ContactDeleted']);
  });

  it('of two concurrent merges of one source into different targets, exactly one happens', async () => {
    const source = await create('Source', 's@example.com');
    const targets = [await create('T1', 't1@example.com'), await create('T2', 't2@example.com')];
    const results = await Promise.allSettled(
      targets.map((target) => app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 1, sourceContactIds: [source.id] })),
    );
    const won = results.findIndex((r) => r.status === 'fulfilled');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results[1 - won] as PromiseRejectedResult).reason.code).toBe('MERGE_IN_PROGRESS');
    expect(await get(source.id)).toMatchObject({ responseType: 'MERGED', contact: { id: targets[won].id } });
    const loser = (await get(targets[1 - won].id)).contact;
    expect(loser.revision).toBe(1);
    expect(loser.info!.emails!.items.map((e) => e.email)).toEqual([`t${2 - won}@example.com`]);
  });

  it('a contact cannot be merged away while it absorbs another', async () => {
    const [a, b, c] = [await create('A', 'a@example.com'), await create('B', 'b@example.com'), await create('C', 'c@example.com')];
    const results = await Promise.allSettled([
      app.commands.merge(siteA, { targetContactId: b.id, targetContactRevision: 1, sourceContactIds: [a.id] }),
      app.commands.merge(siteA, { targetContactId: c.id, targetContactRevision: 1, sourceContactIds: [b.id] }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.map((r) => (r.status === 'rejected' ? r.reason.code : 'OK')).sort()).toEqual(['MERGE_IN_PROGRESS', 'OK']);
  });

  it('a reservation left by a merge that died before its commit point stops counting after the grace period', async () => {
    const target = await create('Target');
    const source = await create('Source');
    const reserved = (occurredAt: string) =>
      events.append(mergeReservationStream('site-a', source.id), [{ type: 'MergeReserved', data: { mergeId: 'dead', targetContactId: 'elsewhere' }, metadata: { siteId: 'site-a', occurredAt } }], 'any');
    await reserved(new Date().toISOString());
    await expectError(app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 1, sourceContactIds: [source.id] }), 'MERGE_IN_PROGRESS');
    expect((await get(target.id)).contact.revision).toBe(1);
    await reserved(new Date(Date.now() - 60_000).toISOString());
    await app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 1, sourceContactIds: [source.id] });
    expect(await get(source.id)).toMatchObject({ responseType: 'MERGED' });
  });

  describe('the duplicate rule', () => {
    it('identities move from the sources: a duplicate that existed before stays one, no new one appears', async () => {
      const target = await create('Target', 't@example.com');
      const source = await create('Source', 'shared@example.com');
      await create('Twin', 'shared@example.com', true);
      const merged = await app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 1, sourceContactIds: [source.id] });
      expect(merged.info.emails!.items.map((e) => e.email)).toEqual(['t@example.com', 'shared@example.com']);
    });

    it('an email a source gave up before the commit point, now another contact\'s, is a 409 and nothing changes', async () => {
      const target = await create('Target', 't@example.com');
      const source = await create('Source', 's@example.com');
      let other = '';
      events.beforeAppend(isReservation, async () => {
        await app.commands.update(siteA, { contactId: source.id, revision: 1, info: { emails: null } });
        other = (await create('Other', 's@example.com')).id;
      });
      const refused = await expectError(app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 1, sourceContactIds: [source.id] }), 'DUPLICATE_CONTACT_EXISTS');
      expect(refused.data).toEqual({ duplicateContactId: other, duplicateEmail: 's@example.com' });
      expect((await get(target.id)).contact.revision).toBe(1);
      expect(await get(source.id)).toMatchObject({ responseType: 'REGULAR' });
      // Its reservations were given back: the same merge can run at once.
      await app.commands.update(siteA, { contactId: other, revision: 1, info: { emails: null, name: { first: 'Other' } } });
      await app.commands.merge(siteA, { targetContactId: target.id, targetContactRevision: 1, sourceContactIds: [source.id] });
    });
  });
});
