import { eventually, Harness, KEYS, startHarness, uniqueSite } from './harness';

describe('labels and extended fields over HTTP', () => {
  let app: Harness;
  const admin = { key: KEYS.everything, site: uniqueSite('site-l') };
  beforeAll(async () => {
    app = await startHarness({ labelQuota: 5 });
  });
  afterAll(async () => {
    await app.stop();
  });

  const call = (method: string, path: string, body?: unknown) => app.call(method, path, { ...admin, body });

  describe('labels', () => {
    it('gives every site its system labels, which cannot be renamed or deleted', async () => {
      const list = await call('GET', '/contacts/v4/labels?labelType=SYSTEM');
      expect(list.status).toBe(200);
      expect(list.body.labels.map((l: { key: string }) => l.key).sort()).toEqual(['contacts.contacted-me', 'contacts.customers']);
      expect(list.body.metadata).toMatchObject({ total: 2 });
      expect((await call('PATCH', '/contacts/v4/labels/contacts.customers', { label: { displayName: 'Buyers' } })).status).toBe(428);
      expect((await call('DELETE', '/_api/contacts/v4/labels/contacts.customers')).status).toBe(428);
    });

    it('finds or creates: one label per name, also under concurrent calls', async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/contacts/v4/labels', { displayName: 'Barking Intensive (long weekend)' })));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(results.filter((r) => r.body.newLabel)).toHaveLength(1);
      expect(new Set(results.map((r) => r.body.label.key))).toEqual(new Set(['custom.barking-intensive-long-weekend']));
      expect(results[0].body.label).toMatchObject({ namespace: 'custom', labelType: 'USER_DEFINED', displayName: 'Barking Intensive (long weekend)' });
      const got = await call('GET', '/contacts/v4/labels/custom.barking-intensive-long-weekend');
      expect(got.body.label.createdDate).toEqual(expect.any(String));
    });

    it('renames keeping the key, queries with filters and sort, and refuses bad names', async () => {
      await call('POST', '/contacts/v4/labels', { displayName: 'Gold' });
      const renamed = await call('PATCH', '/contacts/v4/labels/custom.gold', { label: { displayName: 'Platinum', key: 'custom.gold' } });
      expect(renamed.body.label).toMatchObject({ key: 'custom.gold', displayName: 'Platinum' });
      const query = await call('POST', '/contacts/v4/labels/query', { query: { filter: { displayName: { $startsWith: 'plat' }, labelType: 'USER_DEFINED' }, sort: [{ fieldName: 'displayName', order: 'ASC' }] } });
      expect(query.body.labels.map((l: { key: string }) => l.key)).toEqual(['custom.gold']);
      expect(query.body.pagingMetadata).toMatchObject({ count: 1, total: 1 });
      const startsWith = await call('GET', '/contacts/v4/labels?startsWith=Plat&sort.fieldName=displayName&sort.order=ASC');
      expect(startsWith.body.labels.map((l: { key: string }) => l.key)).toEqual(['custom.gold']);
      expect((await call('GET', '/contacts/v4/labels?startsWith=plat')).body.labels).toEqual([]);
      expect((await call('POST', '/contacts/v4/labels', { displayName: 'x'.repeat(181) })).status).toBe(400);
      expect((await call('POST', '/contacts/v4/labels/query', { query: { filter: { color: 'red' } } })).status).toBe(400);
      expect((await call('GET', '/contacts/v4/labels/custom.none')).status).toBe(404);
    });

    it('answers 428 with the numbers past the label quota', async () => {
      const quotaSite = { key: KEYS.everything, site: uniqueSite('site-quota') };
      for (let i = 0; i < 5; i++) expect((await app.call('POST', '/contacts/v4/labels', { ...quotaSite, body: { displayName: `L${i}` } })).status).toBe(200);
      const over = await app.call('POST', '/contacts/v4/labels', { ...quotaSite, body: { displayName: 'one more' } });
      expect(over.status).toBe(428);
      expect(over.body.details.applicationError).toMatchObject({ code: 'LABELS_QUOTA_REACHED', data: { labelsQuota: 5, labelsCurrentTotal: 5 } });
    });

    it('labels a contact with a label created in the previous call, and refuses unknown keys naming them', async () => {
      const label = (await call('POST', '/contacts/v4/labels', { displayName: 'Fresh' })).body.label;
      const contact = (await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'Labelled' } } })).body.contact;
      const labeled = await call('POST', `/contacts/v4/contacts/${contact.id}/labels`, { labelKeys: [label.key, 'contacts.customers'] });
      expect(labeled.status).toBe(200);
      expect(labeled.body.contact).toMatchObject({ revision: 2, info: { labelKeys: { items: [label.key, 'contacts.customers'] } } });

      const unknown = await call('POST', `/contacts/v4/contacts/${contact.id}/labels`, { labelKeys: ['custom.fresh', 'custom.ghost'] });
      expect(unknown.status).toBe(404);
      expect(unknown.body.details.applicationError.data).toEqual({ unknownLabelKeys: ['custom.ghost'] });
      expect((await call('GET', `/contacts/v4/contacts/${contact.id}`)).body.contact.revision).toBe(2);

      const unlabeled = await app.call('DELETE', `/contacts/v4/contacts/${contact.id}/labels?labelKeys=contacts.customers`, admin);
      expect(unlabeled.body.contact).toMatchObject({ revision: 3, info: { labelKeys: { items: [label.key] } } });

      const badCreate = await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'X' }, labelKeys: { items: ['custom.ghost'] } } });
      expect(badCreate.status).toBe(400);
      expect(badCreate.body.details.validationError.fieldViolations[0]).toMatchObject({ field: 'info.labelKeys', data: { unknownLabelKeys: ['custom.ghost'] } });
    });

    it('deleting a label removes it from every contact, each with a new revision', async () => {
      const label = (await call('POST', '/contacts/v4/labels', { displayName: 'Doomed' })).body.label;
      const ids: string[] = [];
      for (const first of ['D1', 'D2']) {
        ids.push((await call('POST', '/contacts/v4/contacts', { info: { name: { first }, labelKeys: { items: [label.key] } } })).body.contact.id);
      }
      expect((await call('DELETE', `/contacts/v4/labels/${label.key}`)).body).toEqual({});
      await eventually(async () => {
        for (const id of ids) {
          const contact = (await call('GET', `/contacts/v4/contacts/${id}`)).body.contact;
          expect(contact.revision).toBe(2);
          expect(contact.info.labelKeys).toBeUndefined();
        }
      });
      const query = await call('POST', '/contacts/v4/contacts/query', { query: { filter: { 'info.labelKeys': { $hasSome: [label.key] } } } });
      expect(query.body.contacts).toEqual([]);
      expect((await call('GET', `/contacts/v4/labels/${label.key}`)).status).toBe(404);
    });

    it('needs the labels scopes', async () => {
      expect((await app.call('POST', '/contacts/v4/labels', { key: KEYS.readOnlyA, site: 'site-a', body: { displayName: 'No' } })).status).toBe(403);
      expect((await app.call('GET', '/contacts/v4/labels', { key: KEYS.readOnlyA, site: 'site-a' })).status).toBe(200);
    });
  });

  describe('extended fields', () => {
    it('has the system fields, read-only to callers except the writable ones', async () => {
      const system = await call('GET', '/contacts/v4/extended-fields?fieldType=SYSTEM&paging.limit=50');
      expect(system.body.fields.map((f: { key: string }) => f.key)).toEqual(expect.arrayContaining(['ecom.numOfPurchases', 'invoices.vatId', 'emailSubscriptions.effectiveEmail']));
      expect(system.body.fields[0].writable).toBeUndefined();
      expect((await call('PATCH', '/contacts/v4/extended-fields/ecom.numOfPurchases', { field: { displayName: 'Buys' } })).status).toBe(428);
      const readOnly = await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'Sys' }, extendedFields: { items: { 'ecom.numOfPurchases': 3 } } } });
      expect(readOnly.status).toBe(400);
      const writable = await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'Sys' }, extendedFields: { items: { 'invoices.vatId': 'GB1' } } } });
      expect(writable.body.contact.info.extendedFields.items['invoices.vatId']).toBe('GB1');
    });

    it('creates typed fields, validates values by type and queries by them', async () => {
      const created = await call('POST', '/contacts/v4/extended-fields', { displayName: 'Shoe size', dataType: 'NUMBER' });
      expect(created.body).toMatchObject({ newField: true, field: { key: 'custom.shoe-size', dataType: 'NUMBER', fieldType: 'USER_DEFINED' } });
      expect((await call('POST', '/contacts/v4/extended-fields', { displayName: 'Shoe size', dataType: 'TEXT' })).body).toMatchObject({ newField: false, field: { dataType: 'NUMBER' } });
      expect((await call('POST', '/contacts/v4/extended-fields', { displayName: 'Any', dataType: 'ANY' })).status).toBe(400);
      const homepage = (await call('POST', '/contacts/v4/extended-fields', { displayName: 'Homepage', dataType: 'URL' })).body.field;

      const bad = await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'F' }, extendedFields: { items: { 'custom.shoe-size': 'big', 'custom.unknown': 'x' } } } });
      expect(bad.status).toBe(400);
      expect(bad.body.details.validationError.fieldViolations.map((v: { field: string }) => v.field).sort()).toEqual([
        'info.extendedFields.items.custom.shoe-size',
        'info.extendedFields.items.custom.unknown',
      ]);
      const good = await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'Big Foot' }, extendedFields: { items: { 'custom.shoe-size': 47, [homepage.key]: 'bigfoot.example' } } } });
      expect(good.body.contact.info.extendedFields.items).toMatchObject({ 'custom.shoe-size': 47, [homepage.key]: 'https://bigfoot.example' });
      const query = await call('POST', '/contacts/v4/contacts/query', { query: { filter: { 'info.extendedFields.custom.shoe-size': { $gte: 45 } } } });
      expect(query.body.contacts.map((c: { id: string }) => c.id)).toEqual([good.body.contact.id]);
      const fields = await call('POST', '/contacts/v4/extended-fields/query', { query: { filter: { dataType: 'URL', fieldType: 'USER_DEFINED' } } });
      expect(fields.body.fields.map((f: { key: string }) => f.key)).toEqual([homepage.key]);
    });

    it('deleting a field removes its values from every contact', async () => {
      const field = (await call('POST', '/contacts/v4/extended-fields', { displayName: 'Temporary', dataType: 'TEXT' })).body.field;
      const contact = (await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'Temp' }, extendedFields: { items: { [field.key]: 'value' } } } })).body.contact;
      await call('DELETE', `/contacts/v4/extended-fields/${field.key}`);
      await eventually(async () => {
        const after = (await call('GET', `/contacts/v4/contacts/${contact.id}`)).body.contact;
        expect(after.revision).toBe(2);
        expect(after.info.extendedFields.items[field.key]).toBeUndefined();
      });
      const write = await call('PATCH', `/contacts/v4/contacts/${contact.id}`, { revision: 2, info: { extendedFields: { items: { [field.key]: 'again' } } } });
      expect(write.status).toBe(400);
    });
  });
});
