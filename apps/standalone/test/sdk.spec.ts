import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { contacts } from '@wix/crm';
import { Harness, KEYS, startHarness } from './harness';

/**
 * Wix's own JavaScript SDK, pointed at our host. The SDK always builds `https://<apiBaseUrl>`;
 * over plain HTTP a fetch that downgrades the scheme is all it needs (docs/sdk.md).
 */
function sdkFor(app: Harness, apiKey: string, siteId: string) {
  const host = new URL(app.url).host;
  return createClient({
    modules: { contacts },
    auth: ApiKeyStrategy({ apiKey, siteId }),
    host: { apiBaseUrl: host },
    fetch: (url: string | URL, init?: RequestInit) => fetch(String(url).replace(/^https:/, 'http:'), init),
  } as never) as unknown as { contacts: typeof contacts };
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
  let sdk: { contacts: typeof contacts };

  beforeAll(async () => {
    app = await startHarness();
    sdk = sdkFor(app, KEYS.siteA, 'site-a');
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
    const siteSdk = sdkFor(app, KEYS.siteB, 'site-b');
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
    const other = sdkFor(app, KEYS.siteB, 'site-b');
    expect((await sdkError(other.contacts.getContact(contact!._id!))).status).toBe(404);
    expect((await sdkError(other.contacts.updateContact(contact!._id!, { company: 'x' }, 1))).status).toBe(404);
    const query = await other.contacts.queryContacts().eq('info.name.first', 'OnlyInA').find();
    expect(query.items).toEqual([]);
    const forbidden = sdkFor(app, KEYS.siteB, 'site-a');
    expect((await sdkError(forbidden.contacts.getContact(contact!._id!))).status).toBe(403);
  });
});
