import { request as httpRequest } from 'node:http';
import { Harness, KEYS, startHarness, uniqueSite } from './harness';

/**
 * Malformed input at the HTTP edge: every shape here once answered 500, Fastify's own body, or
 * the wrong 4xx. Each must now get its documented status in the error envelope, with the
 * request id in the body and the `x-request-id` header. Plain HTTP only, so the suite also runs
 * against the distributed gateway.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_GUID = '00000000-0000-4000-8000-000000000000';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses of every shape; the assertions check them
  body: any;
}

describe('HTTP hardening', () => {
  let app: Harness;
  const site = uniqueSite('hardening');
  const auth = { authorization: KEYS.everything, 'wix-site-id': site };

  beforeAll(async () => {
    app = await startHarness();
  });
  afterAll(async () => {
    await app.stop();
  });

  /** A request with exactly these headers and this raw body (node:http, so nothing is added or refused client-side). */
  function raw(method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer; declaredLength?: number } = {}): Promise<RawResponse> {
    const url = new URL(path, app.url);
    // node:http sends a DELETE body with neither a length nor chunking unless told its length.
    const length: Record<string, string> =
      options.declaredLength !== undefined
        ? { 'content-length': String(options.declaredLength) }
        : options.body === undefined
          ? {}
          : { 'content-length': String(Buffer.byteLength(options.body)) };
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method, headers: { ...auth, ...length, ...options.headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
          if (options.declaredLength !== undefined) req.destroy();
        });
      });
      req.on('error', reject);
      // A declared length alone: the server must refuse it from the headers, and a client still
      // writing a body the server has closed on would only see EPIPE (over a real network, too).
      if (options.declaredLength !== undefined) req.flushHeaders();
      else req.end(options.body);
    });
  }

  const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    raw(method, path, { headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

  /** The response is an error in the envelope, with the request id in body and header. */
  function expectEnvelope(response: RawResponse, status: number): void {
    expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { message: expect.any(String), details: expect.any(Object) } });
    const details = response.body.details;
    expect(Boolean(details.applicationError) !== Boolean(details.validationError)).toBe(true);
    expect(response.body.requestId).toEqual(expect.any(String));
    expect(response.headers['x-request-id']).toBe(response.body.requestId);
  }

  const violatedFields = (response: RawResponse): string[] => response.body.details.validationError.fieldViolations.map((v: { field: string }) => v.field);
  const code = (response: RawResponse): string => response.body.details.applicationError.code;

  async function newContact(first: string): Promise<{ id: string; revision: number }> {
    const created = await json('POST', '/contacts/v4/contacts', { info: { name: { first } } });
    expect(created.status).toBe(200);
    return created.body.contact;
  }

  describe('null means absent on optional fields', () => {
    it('serves a query with "search": null (and null paging) like one without', async () => {
      await newContact('Nullable');
      const query = await json('POST', '/contacts/v4/contacts/query', { search: null, query: { paging: null, filter: { 'info.name.first': 'Nullable' } } });
      expect(query.status).toBe(200);
      expect(query.body.contacts).toHaveLength(1);
    });

    it.each(['delete', 'update', 'add-remove-labels'])('refuses bulk %s with only "search": null as a body without filter or search (400, not 500)', async (operation) => {
      const response = await json('POST', `/contacts/v4/bulk/contacts/${operation}`, { search: null });
      expectEnvelope(response, 400);
    });

    it('still refuses null for a required field, naming it', async () => {
      const response = await json('POST', '/contacts/v4/contacts', { info: null });
      expectEnvelope(response, 400);
      expect(violatedFields(response)).toContain('info');
    });
  });

  describe('rename without a body', () => {
    it.each([
      ['labels', 'contacts.customers', 'label'],
      ['extended-fields', 'invoices.vatId', 'field'],
    ])('PATCH /%s/{key} with no body, {} or a null object is a 400 naming the object', async (resource, key, field) => {
      for (const body of [undefined, {}, { [field]: null }]) {
        const response = body === undefined ? await raw('PATCH', `/contacts/v4/${resource}/${key}`) : await json('PATCH', `/contacts/v4/${resource}/${key}`, body);
        expectEnvelope(response, 400);
        expect(violatedFields(response)).toContain(field);
      }
    });
  });

  describe('bodies', () => {
    const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

    it('refuses a body nested 1,500 deep with 400 before validation, and serves a shallow one', async () => {
      const deep = await raw('POST', '/contacts/v4/contacts/query', { headers: { 'content-type': 'application/json' }, body: `{"filter":${nested(1500)}}` });
      expectEnvelope(deep, 400);
      expect(code(deep)).toBe('BODY_TOO_DEEP');
      const deepArrays = await raw('POST', '/contacts/v4/contacts', { headers: { 'content-type': 'application/json' }, body: '['.repeat(100_000) });
      expectEnvelope(deepArrays, 400);
      const shallow = await json('POST', '/contacts/v4/contacts/query', { filter: { $and: [{ $or: [{ 'info.name.first': { $in: ['x'] } }] }] } });
      expect(shallow.status).toBe(200);
    });

    it('answers a body over its route\'s limit with 413, from its declared length: 1 MiB with contact info, 128 KiB otherwise', async () => {
      const contact = await raw('POST', '/contacts/v4/contacts', { headers: { 'content-type': 'application/json' }, declaredLength: 1024 * 1024 + 1 });
      expectEnvelope(contact, 413);
      expect(code(contact)).toBe('PAYLOAD_TOO_LARGE');
      expect(contact.body.details.applicationError.data).toEqual({ maxBytes: 1024 * 1024 });
      for (const path of ['/contacts/v4/contacts/query', '/_api/contacts/v4/bulk/contacts/delete', '/contacts/v4/labels/query']) {
        const query = await raw('POST', path, { headers: { 'content-type': 'application/json' }, declaredLength: 128 * 1024 + 1 });
        expectEnvelope(query, 413);
        expect(query.body.details.applicationError.data).toEqual({ maxBytes: 128 * 1024 });
      }
      // The largest contacts are far over 128 KiB and still welcome.
      const address = (i: number) => ({ address: { addressLine: `${i} ${'a'.repeat(990)}`, addressLine2: 'b'.repeat(1000), city: 'c'.repeat(1000) } });
      const big = await json('POST', '/contacts/v4/contacts', { info: { name: { first: 'Big' }, addresses: { items: Array.from({ length: 50 }, (_, i) => address(i)) } } });
      expect(big.status).toBe(200);
    });

    it('answers bodies that are not JSON with 415', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
        const response = await raw('POST', '/contacts/v4/contacts', { headers: { 'content-type': type }, body: 'info=x' });
        expectEnvelope(response, 415);
        expect(code(response)).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
      const untyped = await raw('POST', '/contacts/v4/contacts', { body: '{"info":{"name":{"first":"Untyped"}}}' });
      expectEnvelope(untyped, 415);
    });

    it('accepts application/json with a charset', async () => {
      const response = await raw('POST', '/contacts/v4/contacts', {
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ info: { name: { first: 'Charset' } } }),
      });
      expect(response.status).toBe(200);
    });

    it('serves a body-less DELETE or GET that carries content-type: application/json', async () => {
      const contact = await newContact('Bodyless');
      const jsonType = { 'content-type': 'application/json' };
      expect((await raw('GET', `/contacts/v4/contacts/${contact.id}`, { headers: jsonType })).status).toBe(200);
      expect((await raw('DELETE', `/contacts/v4/contacts/${contact.id}/labels?labelKeys=contacts.customers`, { headers: jsonType })).status).toBe(200);
      expect((await raw('DELETE', `/contacts/v4/contacts/${contact.id}`, { headers: { ...jsonType, 'content-length': '0' } })).status).toBe(200);
    });

    it('answers malformed JSON and prototype keys with 400 INVALID_JSON in the envelope', async () => {
      for (const body of ['{oops', '{"info":{"__proto__":{"admin":true}}}']) {
        const response = await raw('POST', '/contacts/v4/contacts', { headers: { 'content-type': 'application/json' }, body });
        expectEnvelope(response, 400);
        expect(code(response)).toBe('INVALID_JSON');
      }
    });
  });

  describe('URLs and headers', () => {
    it('answers a URL over 8 KiB with 414, without echoing it', async () => {
      const marker = 'echo-marker';
      const response = await raw('GET', `/contacts/v4/contacts?fields=${marker}${'x'.repeat(9000)}`);
      expectEnvelope(response, 414);
      expect(response.text).not.toContain(marker);
    });

    it('answers a path segment over 256 characters with 414, without echoing it', async () => {
      const response = await raw('GET', `/contacts/v4/contacts/echo-marker${'y'.repeat(300)}`);
      expectEnvelope(response, 414);
      expect(response.text).not.toContain('echo-marker');
    });

    it('answers headers over 16 KiB with 431 in the envelope, without echoing the path', async () => {
      const response = await raw('GET', '/contacts/v4/contacts/echo-marker', { headers: { 'x-padding': 'p'.repeat(20 * 1024) } });
      expect(response.status).toBe(431);
      expect(response.body).toMatchObject({ message: expect.any(String), details: { applicationError: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' } } });
      expect(response.body.requestId).toMatch(UUID);
      expect(response.headers['x-request-id']).toBe(response.body.requestId);
      expect(response.text).not.toContain('echo-marker');
    });

    it('answers a URL that is not valid percent-encoding with 400 in the envelope, without echoing it', async () => {
      const response = await raw('GET', '/contacts/v4/labels/echo-marker%E0%A4%A');
      expectEnvelope(response, 400);
      expect(response.text).not.toContain('echo-marker');
    });
  });

  describe('path and body ids', () => {
    it('refuses contact ids that are not GUIDs on every contact route with 400 naming "id"', async () => {
      const attempts: Array<[string, string, unknown?]> = [
        ['GET', '/contacts/v4/contacts/x.U'],
        ['GET', '/contacts/v4/contacts/x:U/history'],
        ['PATCH', '/contacts/v4/contacts/not-a-guid', { revision: 1, info: { company: 'x' } }],
        ['DELETE', '/contacts/v4/contacts/not-a-guid'],
        ['POST', '/contacts/v4/contacts/not-a-guid/merge', { targetContactRevision: 1, sourceContactIds: [UNKNOWN_GUID] }],
        ['POST', '/contacts/v4/contacts/not-a-guid/preview-merge', { sourceContactIds: [UNKNOWN_GUID] }],
        ['POST', '/contacts/v4/contacts/not-a-guid/labels', { labelKeys: ['contacts.customers'] }],
        ['DELETE', '/contacts/v4/contacts/not-a-guid/labels?labelKeys=contacts.customers'],
      ];
      for (const [method, path, body] of attempts) {
        const response = await json(method, path, body);
        expectEnvelope(response, 400);
        expect(violatedFields(response)).toEqual(['id']);
      }
    });

    it('keeps 404 for a well-formed GUID that names no contact', async () => {
      const response = await json('GET', `/contacts/v4/contacts/${UNKNOWN_GUID}`);
      expectEnvelope(response, 404);
      expect(code(response)).toBe('CONTACT_NOT_FOUND');
    });

    it('refuses source contact ids that are not GUIDs in merge and preview-merge', async () => {
      const target = await newContact('Target');
      for (const [operation, extra] of [
        ['merge', { targetContactRevision: target.revision }],
        ['preview-merge', {}],
      ] as const) {
        const response = await json('POST', `/contacts/v4/contacts/${target.id}/${operation}`, { ...extra, sourceContactIds: [UNKNOWN_GUID, 'x.U'] });
        expectEnvelope(response, 400);
        expect(violatedFields(response)).toEqual(['sourceContactIds']);
      }
    });

    it('refuses bulk job ids that are not GUIDs, and keeps 404 for an unknown GUID', async () => {
      const malformed = await json('GET', '/contacts/v4/bulk/jobs/nope');
      expectEnvelope(malformed, 400);
      expect(violatedFields(malformed)).toEqual(['id']);
      const unknown = await json('GET', `/contacts/v4/bulk/jobs/${UNKNOWN_GUID}`);
      expectEnvelope(unknown, 404);
      expect(code(unknown)).toBe('BULK_JOB_NOT_FOUND');
    });

    it.each(['labels', 'extended-fields'])('refuses /%s/{key} keys not in the key form with 400 naming "key", and keeps 404 for unknown ones', async (resource) => {
      for (const key of ['x:custom.vip', 'nodot', 'custom.', `custom.${'k'.repeat(100)}`, 'custom.a%20b']) {
        for (const [method, body] of [['GET'], ['PATCH', { label: { displayName: 'x' }, field: { displayName: 'x' } }], ['DELETE']] as const) {
          const response = await json(method, `/contacts/v4/${resource}/${key}`, body);
          expectEnvelope(response, 400);
          expect(violatedFields(response)).toEqual(['key']);
        }
      }
      const unknown = await json('GET', `/contacts/v4/${resource}/custom.never-made`);
      expectEnvelope(unknown, 404);
    });

    it('refuses label keys not in the key form in label, unlabel and bulk bodies', async () => {
      const contact = await newContact('Keys');
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', `/contacts/v4/contacts/${contact.id}/labels`, { labelKeys: ['contacts.customers', 'bad key'] }, 'labelKeys'],
        ['DELETE', `/contacts/v4/contacts/${contact.id}/labels`, { labelKeys: ['x:custom.vip'] }, 'labelKeys'],
        ['DELETE', `/contacts/v4/contacts/${contact.id}/labels`, { labelKeys: 'contacts.customers' }, 'labelKeys'],
        ['POST', '/contacts/v4/bulk/contacts/add-remove-labels', { filter: {}, labelKeysToAdd: ['nodot'] }, 'labelKeysToAdd'],
        ['POST', '/contacts/v4/bulk/contacts/add-remove-labels', { filter: {}, labelKeysToRemove: [42] }, 'labelKeysToRemove'],
      ];
      for (const [method, path, body, field] of cases) {
        const response = await json(method, path, body);
        expectEnvelope(response, 400);
        expect(violatedFields(response)).toEqual([field]);
      }
      const query = await json('DELETE', `/contacts/v4/contacts/${contact.id}/labels?labelKeys=contacts.customers&labelKeys=nodot`);
      expectEnvelope(query, 400);
      expect(violatedFields(query)).toEqual(['labelKeys']);
    });
  });

  describe('request ids', () => {
    it('echoes an acceptable client x-request-id on success and on errors, and puts it in error bodies', async () => {
      const ok = await json('GET', '/contacts/v4/contacts', undefined, { 'x-request-id': 'client-id.1:a_b' });
      expect(ok.status).toBe(200);
      expect(ok.headers['x-request-id']).toBe('client-id.1:a_b');
      const bad = await json('GET', '/contacts/v4/contacts/not-a-guid', undefined, { 'x-request-id': 'client-id-2' });
      expectEnvelope(bad, 400);
      expect(bad.body.requestId).toBe('client-id-2');
      const unauthenticated = await raw('GET', '/contacts/v4/contacts', { headers: { authorization: '', 'x-request-id': 'client-id-3' } });
      expectEnvelope(unauthenticated, 401);
      expect(unauthenticated.body.requestId).toBe('client-id-3');
    });

    it('replaces a client x-request-id that is too long or has other characters with a UUID', async () => {
      for (const given of ['r'.repeat(129), 'has space', 'semi;colon', 'ünï', '']) {
        const response = await json('GET', '/contacts/v4/contacts/not-a-guid', undefined, { 'x-request-id': given });
        expectEnvelope(response, 400);
        expect(response.body.requestId).toMatch(UUID);
      }
      const accepted = await json('GET', '/contacts/v4/contacts', undefined, { 'x-request-id': 'r'.repeat(128) });
      expect(accepted.headers['x-request-id']).toBe('r'.repeat(128));
    });

    it('generates a UUID when there is none, on every response: success, unknown route, 413, 415', async () => {
      const ok = await json('GET', '/contacts/v4/contacts');
      expect(ok.headers['x-request-id']).toMatch(UUID);
      const noRoute = await json('GET', '/contacts/v4/nowhere');
      expectEnvelope(noRoute, 404);
      expect(noRoute.body.requestId).toMatch(UUID);
      const tooLarge = await raw('POST', '/contacts/v4/contacts', { headers: { 'content-type': 'application/json' }, declaredLength: 6 * 1024 * 1024 });
      expectEnvelope(tooLarge, 413);
      const wrongType = await raw('POST', '/contacts/v4/contacts', { headers: { 'content-type': 'text/plain', 'x-request-id': 'typed' }, body: 'x' });
      expectEnvelope(wrongType, 415);
      expect(wrongType.body.requestId).toBe('typed');
      const health = await raw('GET', '/health', { headers: { 'x-request-id': 'health-1' } });
      expect(health.headers['x-request-id']).toBe('health-1');
    });

    it('records the validated request id, never the raw header, as the correlation id of the events', async () => {
      const given = await json('POST', '/contacts/v4/contacts', { info: { name: { first: 'Correlated' } } }, { 'x-request-id': 'write-1' });
      const overlong = await json('POST', '/contacts/v4/contacts', { info: { name: { first: 'Overlong' } } }, { 'x-request-id': 'w'.repeat(500) });
      const historyOf = async (id: string) => (await json('GET', `/contacts/v4/contacts/${id}/history`)).body.events[0].correlationId;
      expect(await historyOf(given.body.contact.id)).toBe('write-1');
      const generated = await historyOf(overlong.body.contact.id);
      expect(generated).toMatch(UUID);
      expect(generated).toBe(overlong.headers['x-request-id']);
    });
  });
  describe('filters are data, never property lookups', () => {
    it('refuses prototype names as filter keys, and a bulk delete with one deletes nothing', async () => {
      const kept = await newContact('Kept');
      for (const filter of [{ constructor: 'nobody' }, { prototype: 'x' }, { toString: 'x' }, { hasOwnProperty: 'x' }, { $and: [{ constructor: { $eq: 'x' } }] }]) {
        const query = await json('POST', '/contacts/v4/contacts/query', { query: { filter } });
        expectEnvelope(query, 400);
        expect(violatedFields(query)[0]).toMatch(/constructor|prototype|toString|hasOwnProperty/);
        const bulk = await json('POST', '/contacts/v4/bulk/contacts/delete', { filter });
        expectEnvelope(bulk, 400);
      }
      expect((await json('GET', `/contacts/v4/contacts/${kept.id}`)).status).toBe(200);
      const sorted = await json('POST', '/contacts/v4/contacts/query', { query: { sort: [{ fieldName: 'constructor' }] } });
      expectEnvelope(sorted, 400);
    });

    it('holds a filter to its limits as soon as the body is parsed, on a bulk update too', async () => {
      const ids = Array.from({ length: 50_000 }, (_, i) => `x${i}`);
      const update = await json('POST', '/contacts/v4/bulk/contacts/update', { filter: { id: { $in: ids } }, info: { company: 'x' } });
      expectEnvelope(update, 400);
      expect(update.body.details.validationError.fieldViolations[0]).toMatchObject({ field: 'filter.id.$in', violatedRule: 'MAX_SIZE' });
      const nested = await json('POST', '/contacts/v4/contacts/query', { query: { filter: { $or: Array.from({ length: 300 }, (_, i) => ({ 'info.company': `c${i}` })) } } });
      expectEnvelope(nested, 400);
      expect(violatedFields(nested)[0]).toBe('query.filter');
    });

    it('keeps keys named like Object.prototype members in a contact, so they are refused, not dropped', async () => {
      for (const info of [{ name: { first: 'A' }, toString: 'x' }, { name: { first: 'A', valueOf: 'x' } }, { name: { first: 'A' }, extendedFields: { items: { hasOwnProperty: 'x' } } }]) {
        const created = await json('POST', '/contacts/v4/contacts', { info });
        expectEnvelope(created, 400);
      }
    });
  });
});
