import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { contacts, extendedFields, labels } from '@wix/crm';
import { eventually, Harness, KEYS, sdkFetch, startHarness, uniqueSite } from './harness';

/**
 * Wix's own JavaScript SDK, pointed at our host. The SDK always builds `https://<apiBaseUrl>`;
 * over plain HTTP a fetch that downgrades the scheme is all it needs (docs/sdk.md).
 */
interface Sdk {
  contacts: typeof contacts;
  labels: typeof labels;
  extendedFields: typeof extendedFields;
}

function sdkFor(app: Harness, apiKey: string, siteId: string): Sdk {
  const host = new URL(app.url).host;
  return createClient({
    modules: { contacts, labels, extendedFields },
    auth: ApiKeyStrategy({ apiKey, siteId }),
    host: { apiBaseUrl: host },
    fetch: sdkFetch(app.url),
  } as never) as unknown as Sdk;
}

interface SdkError {
  details?: { applicationError?: { code?: string; data?: Record<string, unknown> } };
}

async function sdkError(call: Promise<unknown>): Promise<{ status: number; code?: string; data?: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    const e = error as SdkError & { status?: number; response?: { status: number } };
    return { status: e.status ?? e.response?.status ?? 0, code: e.details?.applicationError?.code, data: e.details?.applicationError?.data };
  }
  throw new Error('expected the SDK call to fail');
}

describe("Wix's JavaScript SDK against the standalone gateway", () => {
  let app: Harness;
  let sdk: Sdk;

  beforeAll(async () => {
    app = await startHarness();
    sdk = sdkFor(app, KEYS.siteA, 'sdk-a');
  });
  afterAll(async () => {
    await app.stop();
  });

  it('creates, gets, updates with revision checks and deletes a contact', async () => {
    const { contact } = await sdk.contacts.createContact({
      name: { first: 'Ada', last: 'Lovelace' },
      emails: { items: [{ email: 'ada.sdk@example.com', tag: 'WORK' }] },
      phones: { items: [{ phone: '+44 20 7946 0958' }] },
      addresses: { items: [{ tag: 'HOME', address: { addressLine1: '12 St James Sq', city: 'London', country: 'GB' } }] },
    } as never);
    expect(contact!._id).toEqual(expect.any(String));
    expect(contact!.revision).toBe(1);
    expect(contact!._createdDate).toBeInstanceOf(Date);
    expect(contact!.primaryInfo).toEqual({ email: 'ada.sdk@example.com', phone: '+44 20 7946 0958' });

    const fetched = await sdk.contacts.getContact(contact!._id!);
    expect(fetched.info?.name).toEqual({ first: 'Ada', last: 'Lovelace' });
    expect(fetched.info?.addresses?.items?.[0]?.address).toMatchObject({ addressLine1: '12 St James Sq', city: 'London', country: 'GB' });
    expect(fetched.info?.phones?.items?.[0]).toMatchObject({ e164Phone: '+442079460958', primary: true });

    const updated = await sdk.contacts.updateContact(contact!._id!, { company: 'Analytical Engines' }, 1);
    expect(updated.contact?.revision).toBe(2);
    expect(updated.contact?.info?.company).toBe('Analytical Engines');
    expect(updated.contact?.info?.name?.first).toBe('Ada');

    const stale = await sdkError(sdk.contacts.updateContact(contact!._id!, { company: 'Lost update' }, 1));
    expect(stale).toMatchObject({ status: 409, code: 'REVISION_MISMATCH', data: { currentRevision: 2 } });
    expect((await sdk.contacts.getContact(contact!._id!)).info?.company).toBe('Analytical Engines');

    await sdk.contacts.deleteContact(contact!._id!);
    expect((await sdkError(sdk.contacts.getContact(contact!._id!))).status).toBe(404);
  });

  it('gets a 409 naming the duplicate, and can allow duplicates', async () => {
    const { contact } = await sdk.contacts.createContact({ emails: { items: [{ email: 'dup.sdk@example.com' }] } } as never);
    const duplicate = await sdkError(sdk.contacts.createContact({ emails: { items: [{ email: 'DUP.sdk@example.com' }] } } as never));
    expect(duplicate).toMatchObject({ status: 409, code: 'DUPLICATE_CONTACT_EXISTS', data: { duplicateContactId: contact!._id } });
    const allowed = await sdk.contacts.createContact({ emails: { items: [{ email: 'dup.sdk@example.com' }] } } as never, { allowDuplicates: true });
    expect(allowed.contact?._id).not.toBe(contact!._id);
  });

  it('gets validation errors back as 400s', async () => {
    const invalid = await sdkError(sdk.contacts.createContact({ emails: { items: [{ email: 'not-an-email' }] } } as never));
    expect(invalid.status).toBe(400);
  });

  it('lists and queries with the builder, paging with next()', async () => {
    const siteSdk = sdkFor(app, KEYS.siteB, 'sdk-b');
    for (const [first, company] of [['Ann', 'Acme'], ['Bob', 'Acme'], ['Cid', 'Zeta'], ['Dee', 'Acme']]) {
      await siteSdk.contacts.createContact({ name: { first }, company } as never);
    }
    const listed = await siteSdk.contacts.listContacts({ paging: { limit: 2 }, sort: { fieldName: 'info.name.first', order: 'ASC' } } as never);
    expect(listed.contacts?.map((c) => c.info?.name?.first)).toEqual(['Ann', 'Bob']);
    expect(listed.pagingMetadata).toMatchObject({ count: 2, total: 4 });

    const first = await siteSdk.contacts.queryContacts().eq('info.company', 'Acme').ascending('info.name.first').limit(2).find();
    expect(first.items.map((c) => c.info?.name?.first)).toEqual(['Ann', 'Bob']);
    expect(first.totalCount).toBe(3);
    expect(first.hasNext()).toBe(true);
    const second = await first.next();
    expect(second.items.map((c) => c.info?.name?.first)).toEqual(['Dee']);
    expect(second.hasNext()).toBe(false);

    const newest = await siteSdk.contacts.queryContacts().startsWith('info.name.first', 'c').find();
    expect(newest.items.map((c) => c.info?.name?.first)).toEqual(['Cid']);
    const byDate = await siteSdk.contacts.queryContacts().ge('_createdDate', new Date(Date.now() - 60_000)).descending('_createdDate').find();
    expect(byDate.items.map((c) => c.info?.name?.first)).toEqual(['Dee', 'Cid', 'Bob', 'Ann']);
    const some = await siteSdk.contacts.queryContacts().in('info.name.first', ['Bob', 'Dee']).ne('info.company', 'Zeta').find();
    expect(some.items).toHaveLength(2);
  });

  it('keeps sites apart: a client for site B cannot see or change site A contacts', async () => {
    const { contact } = await sdk.contacts.createContact({ name: { first: 'OnlyInA' } } as never);
    const other = sdkFor(app, KEYS.siteB, 'sdk-b');
    expect((await sdkError(other.contacts.getContact(contact!._id!))).status).toBe(404);
    expect((await sdkError(other.contacts.updateContact(contact!._id!, { company: 'x' }, 1))).status).toBe(404);
    const query = await other.contacts.queryContacts().eq('info.name.first', 'OnlyInA').find();
    expect(query.items).toEqual([]);
    const forbidden = sdkFor(app, KEYS.siteB, 'sdk-a');
    expect((await sdkError(forbidden.contacts.getContact(contact!._id!))).status).toBe(403);
  });

  it('runs the whole labels flow', async () => {
    const site = sdkFor(app, KEYS.everything, uniqueSite('site-sdk-labels'));
    const created = await site.labels.findOrCreateLabel('Very Important');
    expect(created.newLabel).toBe(true);
    expect(created.label).toMatchObject({ key: 'custom.very-important', displayName: 'Very Important', labelType: 'USER_DEFINED' });
    expect(created.label?._createdDate).toBeInstanceOf(Date);
    expect((await site.labels.findOrCreateLabel('Very Important')).newLabel).toBe(false);

    expect(await site.labels.getLabel('custom.very-important')).toMatchObject({ displayName: 'Very Important' });
    expect(await site.labels.renameLabel('custom.very-important', { displayName: 'VIP' })).toMatchObject({ key: 'custom.very-important', displayName: 'VIP' });
    const listed = await site.labels.listLabels({ labelType: 'USER_DEFINED' } as never);
    expect(listed.labels?.map((l) => l.displayName)).toEqual(['VIP']);
    const queried = await site.labels.queryLabels().startsWith('displayName', 'V').find();
    expect(queried.items.map((l) => l.key)).toEqual(['custom.very-important']);
    const system = await site.labels.queryLabels().eq('labelType', 'SYSTEM').find();
    expect(system.items.map((l) => l.key)).toEqual(expect.arrayContaining(['contacts.customers']));

    const { contact } = await site.contacts.createContact({ name: { first: 'Labelled' } } as never);
    const labeled = await site.contacts.labelContact(contact!._id!, ['custom.very-important', 'contacts.customers']);
    expect(labeled.contact?.revision).toBe(2);
    expect(labeled.contact?.info?.labelKeys?.items).toEqual(['custom.very-important', 'contacts.customers']);
    const found = await site.contacts.queryContacts().hasSome('info.labelKeys', ['custom.very-important']).find();
    expect(found.items.map((c) => c._id)).toEqual([contact!._id]);
    const unlabeled = await site.contacts.unlabelContact(contact!._id!, ['contacts.customers']);
    expect(unlabeled.contact?.info?.labelKeys?.items).toEqual(['custom.very-important']);
    expect((await sdkError(site.contacts.labelContact(contact!._id!, ['custom.nothing'])))).toMatchObject({ status: 404, code: 'LABEL_NOT_FOUND' });

    await site.labels.deleteLabel('custom.very-important');
    expect((await sdkError(site.labels.getLabel('custom.very-important'))).status).toBe(404);
    await eventually(async () => {
      const after = await site.contacts.getContact(contact!._id!);
      expect(after.revision).toBe(4);
      expect(after.info?.labelKeys?.items ?? []).toEqual([]);
    });
  });

  it('runs the whole extended-fields flow', async () => {
    const site = sdkFor(app, KEYS.everything, uniqueSite('site-sdk-fields'));
    const created = await site.extendedFields.findOrCreateExtendedField('Loyalty points', 'NUMBER' as never);
    expect(created).toMatchObject({ newField: true, field: { key: 'custom.loyalty-points', dataType: 'NUMBER', fieldType: 'USER_DEFINED' } });
    expect(await site.extendedFields.getExtendedField('custom.loyalty-points')).toMatchObject({ displayName: 'Loyalty points' });
    expect(await site.extendedFields.renameExtendedField('custom.loyalty-points', { displayName: 'Points' })).toMatchObject({ displayName: 'Points' });
    const custom = await site.extendedFields.listExtendedFields({ fieldType: 'USER_DEFINED' } as never);
    expect(custom.fields?.map((f) => f.key)).toEqual(['custom.loyalty-points']);
    const numbers = await site.extendedFields.queryExtendedFields().eq('dataType', 'NUMBER').find();
    expect(numbers.items.map((f) => f.key)).toEqual(expect.arrayContaining(['custom.loyalty-points', 'ecom.numOfPurchases']));

    const { contact } = await site.contacts.createContact({ name: { first: 'Points' }, extendedFields: { items: { 'custom.loyalty-points': 120 } } } as never);
    expect(contact?.info?.extendedFields?.items?.['custom.loyalty-points']).toBe(120);
    const wrongType = await sdkError(site.contacts.createContact({ name: { first: 'X' }, extendedFields: { items: { 'custom.loyalty-points': 'lots' } } } as never));
    expect(wrongType.status).toBe(400);
    const readOnly = await sdkError(site.contacts.updateContact(contact!._id!, { extendedFields: { items: { 'ecom.totalSpentAmount': 5 } } } as never, 1));
    expect(readOnly.status).toBe(400);

    await site.extendedFields.deleteExtendedField('custom.loyalty-points');
    await eventually(async () => {
      const after = await site.contacts.getContact(contact!._id!);
      expect(after.revision).toBe(2);
      expect(after.info?.extendedFields?.items?.['custom.loyalty-points']).toBeUndefined();
    });
  });

  it('merges, previews, lists facets and runs bulk jobs', async () => {
    const site = sdkFor(app, KEYS.everything, uniqueSite('site-sdk-merge'));
    const { contact: target } = await site.contacts.createContact({ name: { first: 'Target' }, emails: { items: [{ email: 't@sdk.io' }] } } as never);
    const { contact: source } = await site.contacts.createContact({ name: { first: 'Source' }, jobTitle: 'Engineer', emails: { items: [{ email: 's@sdk.io' }] } } as never);
    const preview = await site.contacts.previewMergeContacts(target!._id!, { sourceContactIds: [source!._id!] });
    expect(preview.contact?.info?.jobTitle).toBe('Engineer');
    const merged = await site.contacts.mergeContacts(target!._id!, 1, { sourceContactIds: [source!._id!] });
    expect(merged.contact?.revision).toBe(2);
    expect(merged.contact?.info?.emails?.items?.map((e) => e.email)).toEqual(['t@sdk.io', 's@sdk.io']);
    expect(await site.contacts.getContact(source!._id!)).toMatchObject({ _id: target!._id });

    const facets = await site.contacts.listFacets();
    expect(facets.facets?.find((f) => f.facetType === 'ALL_CONTACTS')?.count).toBe(1);

    for (const first of ['B1', 'B2', 'B3']) await site.contacts.createContact({ name: { first } } as never);
    const { jobId } = await site.contacts.bulkUpdateContacts({ filter: { 'info.name.first': { $startsWith: 'B' } }, info: { company: 'Bulk' } } as never);
    expect(jobId).toEqual(expect.any(String));
    await eventually(async () => {
      const job = (await app.call('GET', `/contacts/v4/bulk/jobs/${jobId}`, { key: KEYS.everything, site: uniqueSite('site-sdk-merge') })).body.job;
      expect(job).toMatchObject({ status: 'COMPLETED', successTotal: 3 });
    });
    const bulkCompany = await site.contacts.queryContacts().eq('info.company', 'Bulk').find();
    expect(bulkCompany.items).toHaveLength(3);
    const deletion = await site.contacts.bulkDeleteContacts({ filter: { 'info.company': 'Bulk' } } as never);
    await eventually(async () => {
      const job = (await app.call('GET', `/contacts/v4/bulk/jobs/${deletion.jobId}`, { key: KEYS.everything, site: uniqueSite('site-sdk-merge') })).body.job;
      expect(job).toMatchObject({ status: 'COMPLETED', successTotal: 3 });
    });
    expect((await site.contacts.queryContacts().find()).items.map((c) => c._id)).toEqual([target!._id]);
  });
});
