import { describeStandaloneOnly, Harness, KEYS, startHarness } from './harness';

const ada = { name: { first: 'Ada', last: 'Lovelace' }, emails: { items: [{ email: 'ada@example.com' }] } };

describe('standalone over HTTP', () => {
  let app: Harness;
  beforeAll(async () => {
    app = await startHarness();
  });
  afterAll(async () => {
    await app.stop();
  });

  describe('authentication and tenancy', () => {
    it('answers 401 without a key or with an unknown one', async () => {
      const none = await app.call('GET', '/contacts/v4/contacts', { key: null });
      expect(none.status).toBe(401);
      expect(none.body.details.applicationError.code).toBe('MISSING_API_KEY');
      expect((await app.call('GET', '/contacts/v4/contacts', { key: 'not-a-key' })).status).toBe(401);
    });

    it('accepts the Bearer form too', async () => {
      expect((await app.call('GET', '/contacts/v4/contacts', { key: `Bearer ${KEYS.siteA}` })).status).toBe(200);
    });

    it('answers 400 without wix-site-id and 403 for a site the key does not grant', async () => {
      const noSite = await app.call('GET', '/contacts/v4/contacts', { site: null });
      expect(noSite.status).toBe(400);
      expect(noSite.body.details.validationError.fieldViolations[0].field).toBe('wix-site-id');
      const otherSite = await app.call('GET', '/contacts/v4/contacts', { site: 'site-b' });
      expect(otherSite.status).toBe(403);
      expect(otherSite.body.details.applicationError.code).toBe('SITE_NOT_ALLOWED');
    });

    it('answers 403 when the key lacks the scope, and writes nothing', async () => {
      const denied = await app.call('POST', '/contacts/v4/contacts', { key: KEYS.readOnlyA, body: { info: { name: { first: 'Nope' } } } });
      expect(denied.status).toBe(403);
      expect(denied.body.details.applicationError.code).toBe('MISSING_SCOPE');
      const search = await app.call('POST', '/contacts/v4/contacts/query', { key: KEYS.readOnlyA, body: { query: { filter: { 'info.name.first': 'Nope' } } } });
      expect(search.status).toBe(200);
      expect(search.body.contacts).toEqual([]);
    });

    it('never lets a key for site B read or change site A contacts', async () => {
      const created = (await app.call('POST', '/contacts/v4/contacts', { body: { info: { name: { first: 'Private' } } } })).body.contact;
      const asB = { key: KEYS.siteB, site: 'site-b' };
      expect((await app.call('GET', `/contacts/v4/contacts/${created.id}`, asB)).status).toBe(404);
      expect((await app.call('PATCH', `/contacts/v4/contacts/${created.id}`, { ...asB, body: { revision: 1, info: { company: 'x' } } })).status).toBe(404);
      expect((await app.call('DELETE', `/contacts/v4/contacts/${created.id}`, asB)).status).toBe(404);
      const list = await app.call('GET', '/contacts/v4/contacts', asB);
      expect(list.body.contacts.map((c: { id: string }) => c.id)).not.toContain(created.id);
      expect((await app.call('GET', `/contacts/v4/contacts/${created.id}`)).body.contact.revision).toBe(1);
    });
  });

  describe('contacts', () => {
    it('creates, reads back at once under both prefixes, updates, deletes', async () => {
      const created = await app.call('POST', '/contacts/v4/contacts', { body: { info: { name: { first: 'Grace' }, company: 'Navy' } } });
      expect(created.status).toBe(200);
      const id = created.body.contact.id;
      const viaApi = await app.call('GET', `/_api/contacts/v4/contacts/${id}`);
      expect(viaApi.body).toEqual({ contact: created.body.contact, responseType: 'REGULAR' });
      const found = await app.call('POST', '/contacts/v4/contacts/query', { body: { query: { filter: { id } } } });
      expect(found.body.contacts).toHaveLength(1);

      const updated = await app.call('PATCH', `/contacts/v4/contacts/${id}`, { body: { revision: 1, info: { jobTitle: 'Admiral' } } });
      expect(updated.status).toBe(200);
      expect(updated.body.contact).toMatchObject({ revision: 2, info: { name: { first: 'Grace' }, company: 'Navy', jobTitle: 'Admiral' } });

      expect(await app.call('DELETE', `/contacts/v4/contacts/${id}`)).toEqual({ status: 200, body: {} });
      const gone = await app.call('GET', `/contacts/v4/contacts/${id}`);
      expect(gone.status).toBe(404);
      expect(gone.body.details.applicationError.code).toBe('CONTACT_NOT_FOUND');
    });

    it('refuses a stale revision with 409 and keeps the newer write', async () => {
      const id = (await app.call('POST', '/contacts/v4/contacts', { body: { info: { name: { first: 'Rev' } } } })).body.contact.id;
      await app.call('PATCH', `/contacts/v4/contacts/${id}`, { body: { revision: 1, info: { company: 'First' } } });
      const stale = await app.call('PATCH', `/contacts/v4/contacts/${id}`, { body: { revision: 1, info: { company: 'Second' } } });
      expect(stale.status).toBe(409);
      expect(stale.body.details.applicationError).toMatchObject({ code: 'REVISION_MISMATCH', data: { currentRevision: 2 } });
      expect((await app.call('GET', `/contacts/v4/contacts/${id}`)).body.contact.info.company).toBe('First');
    });

    it('refuses duplicates with 409 naming the contact; of parallel creates exactly one wins', async () => {
      const first = await app.call('POST', '/contacts/v4/contacts', { body: { info: ada } });
      const again = await app.call('POST', '/contacts/v4/contacts', { body: { info: { emails: { items: [{ email: 'Ada@Example.com' }] } } } });
      expect(again.status).toBe(409);
      expect(again.body.details.applicationError).toEqual({
        code: 'DUPLICATE_CONTACT_EXISTS',
        description: expect.any(String),
        data: { duplicateContactId: first.body.contact.id, duplicateEmail: 'ada@example.com' },
      });
      expect((await app.call('POST', '/contacts/v4/contacts', { body: { info: ada, allowDuplicates: true } })).status).toBe(200);

      const racers = await Promise.all(
        Array.from({ length: 6 }, () => app.call('POST', '/contacts/v4/contacts', { body: { info: { emails: { items: [{ email: 'race@example.com' }] } } } })),
      );
      expect(racers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    });

    it('answers bad input with 400 and field violations, writing nothing', async () => {
      const bad = await app.call('POST', '/contacts/v4/contacts', {
        body: { info: { name: { first: 'Bad' }, emails: { items: [{ email: 'nope' }] }, birthdate: '31/12/1990' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details.validationError.fieldViolations.map((v: { field: string }) => v.field).sort()).toEqual([
        'info.birthdate',
        'info.emails.items[0].email',
      ]);
      const missingInfo = await app.call('POST', '/contacts/v4/contacts', { body: {} });
      expect(missingInfo.status).toBe(400);
      expect(missingInfo.body.details.validationError.fieldViolations[0].field).toBe('info');
      const noRevision = await app.call('PATCH', '/contacts/v4/contacts/00000000-0000-4000-8000-000000000000', { body: { info: {} } });
      expect(noRevision.status).toBe(400);
      expect(noRevision.body.details.validationError.fieldViolations.map((v: { field: string }) => v.field)).toContain('revision');
      const badFilter = await app.call('POST', '/contacts/v4/contacts/query', { body: { query: { filter: { 'info.password': 'x' } } } });
      expect(badFilter.status).toBe(400);
      expect(badFilter.body.message).toContain('info.password');
      const badLimit = await app.call('GET', '/contacts/v4/contacts?paging.limit=5000');
      expect(badLimit.status).toBe(400);
      const notJson = await fetch(`${app.url}/contacts/v4/contacts`, {
        method: 'POST',
        headers: { authorization: KEYS.siteA, 'wix-site-id': 'site-a', 'content-type': 'application/json' },
        body: '{oops',
      });
      expect(notJson.status).toBe(400);
      const query = await app.call('POST', '/contacts/v4/contacts/query', { body: { query: { filter: { 'info.name.first': 'Bad' } } } });
      expect(query.body.contacts).toEqual([]);
    });

    it('lists with sort, paging, fieldsets, and accepts the top-level query shape', async () => {
      const site = { key: KEYS.siteB, site: 'site-b' };
      for (const first of ['Bea', 'Abe', 'Cal']) await app.call('POST', '/contacts/v4/contacts', { ...site, body: { info: { name: { first } } } });
      const list = await app.call('GET', '/contacts/v4/contacts?sort.fieldName=info.name.first&sort.order=ASC&paging.limit=2&fieldsets=BASIC', site);
      expect(list.body.contacts.map((c: { info: { name: { first: string } } }) => c.info.name.first)).toEqual(['Abe', 'Bea']);
      expect(Object.keys(list.body.contacts[0]).sort()).toEqual(['id', 'info', 'primaryInfo', 'revision']);
      expect(list.body.pagingMetadata).toEqual({ count: 2, offset: 0, total: 3, tooManyToCount: false });
      const topLevel = await app.call('POST', '/contacts/v4/contacts/query', { ...site, body: { filter: { 'info.name.first': { $in: ['Cal'] } } } });
      expect(topLevel.body.contacts).toHaveLength(1);
    });
  });

  describe('history', () => {
    it('serves a contact\'s history and the contact as it was, per site', async () => {
      const id = (await app.call('POST', '/contacts/v4/contacts', { body: { info: { name: { first: 'Historic' } } } })).body.contact.id;
      const before = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await app.call('PATCH', `/contacts/v4/contacts/${id}`, { body: { revision: 1, info: { company: 'Later' } } });
      const history = await app.call('GET', `/_api/contacts/v4/contacts/${id}/history?paging.limit=10`);
      expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['ContactCreated', 'ContactUpdated']);
      expect(history.body.events[1]).toMatchObject({ revision: 2, changedFields: ['info.company'], actor: { type: 'API_KEY', id: 'site-a' } });
      const asOf = await app.call('GET', `/contacts/v4/contacts/${id}?asOf=${encodeURIComponent(before)}`);
      expect(asOf.body.contact).toMatchObject({ revision: 1, info: { name: { first: 'Historic' } } });
      expect(asOf.body.contact.info.company).toBeUndefined();
      expect((await app.call('GET', `/contacts/v4/contacts/${id}/history`, { key: KEYS.siteB, site: 'site-b' })).status).toBe(404);
      expect((await app.call('GET', `/contacts/v4/contacts/${id}?asOf=soon`)).status).toBe(400);
    });
  });

  describe('operations', () => {
    it('reports health and serves the OpenAPI document', async () => {
      const health = await app.call('GET', '/health', { key: null, site: null });
      expect(health.status).toBe(200);
      expect(health.body.services[0]).toMatchObject({ service: 'contacts', ready: true });
      const openapi = await app.call('GET', '/openapi.json', { key: null, site: null });
      expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/contacts/v4/contacts', '/contacts/v4/contacts/query', '/contacts/v4/contacts/{id}']));
    });
  });
});

describeStandaloneOnly('standalone restarts', () => {
  it('keeps data across a restart and rebuilds its read model', async () => {
    const app = await startHarness();
    try {
      const id = (await app.call('POST', '/contacts/v4/contacts', { body: { info: ada } })).body.contact.id;
      await app.call('PATCH', `/contacts/v4/contacts/${id}`, { body: { revision: 1, info: { company: 'Kept' } } });
      await app.restart();
      const after = await app.call('GET', `/contacts/v4/contacts/${id}`);
      expect(after.body.contact).toMatchObject({ revision: 2, info: { company: 'Kept' } });
      const listed = await app.call('POST', '/contacts/v4/contacts/query', { body: { query: { filter: { 'info.company': 'Kept' } } } });
      expect(listed.body.contacts.map((c: { id: string }) => c.id)).toEqual([id]);
      expect((await app.call('POST', '/contacts/v4/contacts', { body: { info: ada } })).status).toBe(409);
    } finally {
      await app.stop();
    }
  });

  it('with no API_KEYS, generates one key for a default site, announces it once, and stays closed to others', async () => {
    const app = await startHarness({ apiKeys: null });
    try {
      expect((await app.call('GET', '/contacts/v4/contacts', { key: null, site: 'default-site' })).status).toBe(401);
      const { key } = require(`${app.dataDir}/standalone-api-key.json`);
      expect((await app.call('GET', '/contacts/v4/contacts', { key, site: 'default-site' })).status).toBe(200);
      await app.restart();
      expect((await app.call('GET', '/contacts/v4/contacts', { key, site: 'default-site' })).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
