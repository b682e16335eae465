import { describeStandaloneOnly, eventually, Harness, KEYS, startHarness, uniqueSite } from './harness';

describe('merge, members, facets and bulk jobs over HTTP', () => {
  let app: Harness;
  const admin = { key: KEYS.everything, site: uniqueSite('site-m') };
  const call = (method: string, path: string, body?: unknown) => app.call(method, path, { ...admin, body });
  const create = async (info: Record<string, unknown>) => (await call('POST', '/contacts/v4/contacts', { info })).body.contact;

  beforeAll(async () => {
    app = await startHarness();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('previews and merges; the source id then answers with the target as MERGED', async () => {
    const target = await create({ name: { first: 'Ada' }, emails: { items: [{ email: 'ada@merge.io' }] } });
    const source = await create({ name: { first: 'Augusta' }, company: 'Engines', emails: { items: [{ email: 'augusta@merge.io' }] } });
    const preview = await call('POST', `/contacts/v4/contacts/${target.id}/preview-merge`, { sourceContactIds: [source.id] });
    expect(preview.body.contact).toMatchObject({ revision: 2, info: { name: { first: 'Ada' }, company: 'Engines' } });
    expect((await call('GET', `/contacts/v4/contacts/${target.id}`)).body.contact.revision).toBe(1);

    const stale = await call('POST', `/contacts/v4/contacts/${target.id}/merge`, { targetContactRevision: 0, sourceContactIds: [source.id] });
    expect(stale.status).toBe(409);
    const merged = await call('POST', `/_api/contacts/v4/contacts/${target.id}/merge`, { targetContactRevision: 1, sourceContactIds: [source.id] });
    expect(merged.status).toBe(200);
    expect(merged.body.contact.info.emails.items.map((e: { email: string }) => e.email)).toEqual(['ada@merge.io', 'augusta@merge.io']);
    const viaSource = await call('GET', `/contacts/v4/contacts/${source.id}`);
    expect(viaSource.body).toMatchObject({ responseType: 'MERGED', contact: { id: target.id, revision: 2 } });
    expect((await call('POST', `/contacts/v4/contacts/${target.id}/merge`, { targetContactRevision: 2, sourceContactIds: [] })).status).toBe(400);
    expect((await call('POST', `/contacts/v4/contacts/${target.id}/merge`, { targetContactRevision: 2, sourceContactIds: ['a', 'b', 'c', 'd', 'e', 'f'] })).status).toBe(400);
  });

  it('members: set through a members scope only; cannot be deleted (428) or merged as a source', async () => {
    const member = await create({ name: { first: 'Member' } });
    const withoutScope = await app.call('PATCH', `/contacts/v4/contacts/${member.id}`, {
      key: KEYS.siteA,
      site: 'site-a',
      body: { revision: 1, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } },
    });
    expect(withoutScope.status).toBe(404); // another site: not even visible
    const plain = await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'Plain' } } });
    const managerKey = { key: KEYS.siteA, site: 'site-a' };
    const inA = (await app.call('POST', '/contacts/v4/contacts', { ...managerKey, body: { info: { name: { first: 'InA' } } } })).body.contact;
    const refused = await app.call('PATCH', `/contacts/v4/contacts/${inA.id}`, { ...managerKey, body: { revision: 1, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } } });
    expect(refused.status).toBe(400);

    const marked = await call('PATCH', `/contacts/v4/contacts/${member.id}`, { revision: 1, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } });
    expect(marked.status).toBe(200);
    const deleteMember = await call('DELETE', `/contacts/v4/contacts/${member.id}`);
    expect(deleteMember.status).toBe(428);
    expect(deleteMember.body.details.applicationError.code).toBe('CONTACT_IS_MEMBER');
    const asSource = await call('POST', `/contacts/v4/contacts/${plain.body.contact.id}/merge`, { targetContactRevision: 1, sourceContactIds: [member.id] });
    expect(asSource.status).toBe(428);
  });

  it('counts facets right after labelling and deleting', async () => {
    const site = { key: KEYS.everything, site: uniqueSite('site-facets') };
    const label = (await app.call('POST', '/contacts/v4/labels', { ...site, body: { displayName: 'Facet' } })).body.label;
    const a = (await app.call('POST', '/contacts/v4/contacts', { ...site, body: { info: { name: { first: 'A' }, emails: { items: [{ email: 'a@f.io' }] } } } })).body.contact;
    await app.call('POST', '/contacts/v4/contacts', { ...site, body: { info: { name: { first: 'B' } } } });
    const facets = async () =>
      Object.fromEntries(
        (await app.call('GET', '/contacts/v4/contacts/facets', site)).body.facets.map((f: { facetType: string; facetKey?: string; count: number }) => [`${f.facetType}:${f.facetKey ?? ''}`, f.count]),
      );
    expect(await facets()).toMatchObject({ 'ALL_CONTACTS:': 2, 'NOT_LABELED:': 2, [`LABEL:${label.key}`]: 0, 'LABEL:contacts.customers': 0, 'SUBSCRIPTION_STATUS:NOT_SET': 1 });
    await app.call('POST', `/contacts/v4/contacts/${a.id}/labels`, { ...site, body: { labelKeys: [label.key] } });
    expect(await facets()).toMatchObject({ 'NOT_LABELED:': 1, [`LABEL:${label.key}`]: 1 });
    await app.call('DELETE', `/contacts/v4/contacts/${a.id}`, site);
    expect(await facets()).toMatchObject({ 'ALL_CONTACTS:': 1, [`LABEL:${label.key}`]: 0, 'SUBSCRIPTION_STATUS:NOT_SET': 0 });
    const queried = await app.call('POST', '/contacts/v4/contacts/facets/query', { ...site, body: { filter: { 'info.extendedFields.emailSubscriptions.effectiveEmail': { $exists: false } } } });
    expect(queried.body.facets.find((f: { facetType: string }) => f.facetType === 'ALL_CONTACTS').count).toBe(1);
    expect((await app.call('POST', '/contacts/v4/contacts/facets/query', { ...site, body: { filter: { 'info.company': 'x' } } })).status).toBe(400);
  });

  it('runs bulk jobs with status, totals and listing', async () => {
    const site = { key: KEYS.everything, site: uniqueSite('site-bulk') };
    for (let i = 0; i < 30; i++) await app.call('POST', '/contacts/v4/contacts', { ...site, body: { info: { name: { first: i < 20 ? 'Bulk' : 'Keep' }, company: 'Old' } } });
    const label = (await app.call('POST', '/contacts/v4/labels', { ...site, body: { displayName: 'Bulk labelled' } })).body.label;
    const update = await app.call('POST', '/contacts/v4/bulk/contacts/update', { ...site, body: { filter: { 'info.name.first': 'Bulk' }, info: { company: 'New' } } });
    expect(update.status).toBe(200);
    const job = async (id: string) => (await app.call('GET', `/contacts/v4/bulk/jobs/${id}`, site)).body.job;
    await eventually(async () => expect(await job(update.body.jobId)).toMatchObject({ type: 'UPDATE', status: 'COMPLETED', totalItems: 20, successTotal: 20, failedTotal: 0 }));
    const labels = await app.call('POST', '/_api/contacts/v4/bulk/contacts/add-remove-labels', { ...site, body: { filter: { 'info.company': 'New' }, labelKeysToAdd: [label.key] } });
    await eventually(async () => expect(await job(labels.body.jobId)).toMatchObject({ type: 'ADD_LABELS', status: 'COMPLETED', successTotal: 20 }));
    const remove = await app.call('POST', '/contacts/v4/bulk/contacts/delete', { ...site, body: { filter: { 'info.labelKeys': { $hasSome: [label.key] } }, search: 'bulk' } });
    await eventually(async () => expect(await job(remove.body.jobId)).toMatchObject({ type: 'DELETE', status: 'COMPLETED', successTotal: 20 }));
    const left = await app.call('POST', '/contacts/v4/contacts/query', { ...site, body: { query: {} } });
    expect(left.body.pagingMetadata.total).toBe(10);
    const list = await app.call('GET', '/contacts/v4/bulk/jobs', site);
    expect(list.body.jobs.map((j: { id: string }) => j.id)).toEqual([remove.body.jobId, labels.body.jobId, update.body.jobId]);
    expect((await app.call('POST', '/contacts/v4/bulk/contacts/delete', { ...site, body: {} })).status).toBe(400);
    expect((await app.call('POST', '/contacts/v4/bulk/contacts/add-remove-labels', { ...site, body: { filter: {}, labelKeysToAdd: ['custom.ghost'] } })).status).toBe(404);
    expect((await app.call('GET', '/contacts/v4/bulk/jobs/nope', site)).status).toBe(400);
    expect((await app.call('GET', '/contacts/v4/bulk/jobs/00000000-0000-4000-8000-000000000000', site)).status).toBe(404);
  });
});

describeStandaloneOnly('bulk jobs across a restart', () => {
  it('resume after the process stops mid-job and touch every contact exactly once', async () => {
    const app = await startHarness();
    const site = { key: KEYS.everything, site: uniqueSite('site-restart') };
    try {
      for (let i = 0; i < 400; i++) await app.call('POST', '/contacts/v4/contacts', { ...site, body: { info: { name: { first: `R${i}` } } } });
      const { jobId } = (await app.call('POST', '/contacts/v4/bulk/contacts/update', { ...site, body: { filter: {}, info: { company: 'Once' } } })).body;
      await app.restart();
      await eventually(async () => {
        const job = (await app.call('GET', `/contacts/v4/bulk/jobs/${jobId}`, site)).body.job;
        expect(job).toMatchObject({ status: 'COMPLETED', totalItems: 400, successTotal: 400, failedTotal: 0 });
      }, 30_000);
      const page = await app.call('POST', '/contacts/v4/contacts/query', { ...site, body: { query: { paging: { limit: 1000 } } } });
      expect(page.body.contacts).toHaveLength(400);
      expect(page.body.contacts.every((c: { revision: number; info: { company: string } }) => c.revision === 2 && c.info.company === 'Once')).toBe(true);
    } finally {
      await app.stop();
    }
  });
});
