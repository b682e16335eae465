import { eventually, Harness, KEYS, startHarness, uniqueSite } from './harness';

/** Invalid values are refused (not dropped), protected values stay, and bulk updates keep the duplicate rule. */
describe('contact write rules over HTTP', () => {
  let app: Harness;
  const admin = { key: KEYS.everything, site: uniqueSite('site-rules') };
  const call = (method: string, path: string, body?: unknown, as: { key: string; site: string } = admin) => app.call(method, path, { ...as, body });
  const create = async (info: Record<string, unknown>, as = admin) => (await call('POST', '/contacts/v4/contacts', { info }, as)).body.contact;
  const violations = (body: { details?: { validationError?: { fieldViolations: { field: string }[] } } }) =>
    body.details?.validationError?.fieldViolations.map((v) => v.field);

  beforeAll(async () => {
    app = await startHarness();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('refuses malformed values with a 400 naming the field, and stores nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: { first: 'A' }, labelKeys: 'custom.x' }, 'info.labelKeys'],
      [{ emails: { items: [{ email: 'a@rules.io', foo: 1 }] } }, 'info.emails.items[0].foo'],
      [{ phones: { items: [{ phone: '+14155550100', extension: '1' }] } }, 'info.phones.items[0].extension'],
      [{ name: { first: 'A', middle: 'B' } }, 'info.name.middle'],
      [{ addresses: { items: [{ address: { city: 'X', street: 'Y' } }] } }, 'info.addresses.items[0].address.street'],
      [{ emails: { items: [{ email: 'nul\u0000@rules.io' }] } }, 'info.emails.items[0].email'],
      [{ phones: { items: [{ phone: '+1415555\u00000100' }] } }, 'info.phones.items[0].phone'],
      [{ name: { first: 'A' }, labelKeys: ['custom.nope'] }, 'info.labelKeys'],
    ];
    for (const [info, field] of cases) {
      const response = await call('POST', '/contacts/v4/contacts', { info });
      expect({ info, status: response.status, fields: violations(response.body) }).toEqual({ info, status: 400, fields: [field] });
    }
    expect((await call('POST', '/contacts/v4/contacts/query', { query: {} })).body.pagingMetadata.total).toBe(0);
  });

  it('answers a create sent again with its Idempotency-Key with the same contact, and refuses the key for another body', async () => {
    const key = `form-submission-${uniqueSite('k')}`;
    const info = { name: { first: 'Idem' }, emails: { items: [{ email: `${key}@rules.io` }] } };
    const send = (body: unknown, idempotencyKey: string, as = admin) => app.call('POST', '/contacts/v4/contacts', { ...as, body, headers: { 'idempotency-key': idempotencyKey } });
    const first = await send({ info }, key);
    expect(first.status).toBe(200);
    const retries = await Promise.all([send({ info }, key), send({ info }, key), send({ info }, key)]);
    expect(retries.map((r) => [r.status, r.body.contact.id, r.body.contact.revision])).toEqual(retries.map(() => [200, first.body.contact.id, 1]));
    const found = await call('POST', '/contacts/v4/contacts/query', { query: { filter: { 'info.emails.email': `${key}@rules.io` } } });
    expect(found.body.pagingMetadata.total).toBe(1);

    const reused = await send({ info: { name: { first: 'Other' } } }, key);
    expect([reused.status, reused.body.details.applicationError.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const otherSite = await send({ info }, key, { key: KEYS.everything, site: uniqueSite('site-rules-other') });
    expect(otherSite.status).toBe(200);
    expect(otherSite.body.contact.id).not.toBe(first.body.contact.id);
    const malformed = await send({ info }, 'has spaces in it');
    expect([malformed.status, violations(malformed.body)]).toEqual([400, ['Idempotency-Key']]);
  });

  it('accepts a contact sent back as it was read', async () => {
    const created = await create({
      name: { first: 'Round', last: 'Trip' },
      emails: { items: [{ email: 'round@rules.io', tag: 'WORK' }] },
      phones: { items: [{ phone: '(415) 555-0100', countryCode: 'US' }] },
      addresses: { items: [{ tag: 'HOME', address: { addressLine: '1 Main St', city: 'SF', country: 'US' } }] },
    });
    const { contact } = (await call('GET', `/contacts/v4/contacts/${created.id}`)).body;
    const updated = await call('PATCH', `/contacts/v4/contacts/${created.id}`, { revision: contact.revision, info: contact.info });
    expect(updated.status).toBe(200);
    expect(updated.body.contact.revision).toBe(contact.revision); // nothing changed
  });

  it('a key without the members scope cannot strip the membership by clearing extended fields', async () => {
    const manager = { key: KEYS.siteA, site: 'site-a' };
    const membersAdmin = { key: KEYS.everything, site: 'site-a' };
    const member = await create({ name: { first: 'Member' }, emails: { items: [{ email: `member-${uniqueSite('m')}@rules.io` }] } }, manager);
    expect((await call('PATCH', `/contacts/v4/contacts/${member.id}`, { revision: 1, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } }, membersAdmin)).status).toBe(200);
    let revision = 2;
    for (const extendedFields of [null, {}, { items: {} }]) {
      const cleared = await call('PATCH', `/contacts/v4/contacts/${member.id}`, { revision, info: { extendedFields } }, manager);
      expect(cleared.status).toBe(200);
      expect(cleared.body.contact.info.extendedFields.items['members.membershipStatus']).toBe('APPROVED');
      revision = cleared.body.contact.revision;
    }
    const deleted = await call('DELETE', `/contacts/v4/contacts/${member.id}`, undefined, manager);
    expect(deleted.status).toBe(428);
    expect(deleted.body.details.applicationError.code).toBe('CONTACT_IS_MEMBER');
  });

  it('a bulk update sets an email on one contact and reports the others as duplicates, with the 409 data', async () => {
    const site = { key: KEYS.everything, site: uniqueSite('site-bulk-dup') };
    const ids: string[] = [];
    for (const first of ['A', 'B', 'C']) ids.push((await create({ name: { first } }, site)).id);
    const { jobId } = (await call('POST', '/contacts/v4/bulk/contacts/update', { filter: {}, info: { emails: { items: [{ email: 'one@rules.io' }] } } }, site)).body;
    let job: { successTotal: number; failedTotal: number; errors: { contactId: string; code: string; data: Record<string, unknown> }[] } | undefined;
    await eventually(async () => {
      job = (await call('GET', `/contacts/v4/bulk/jobs/${jobId}`, undefined, site)).body.job;
      expect(job).toMatchObject({ status: 'COMPLETED', successTotal: 1, failedTotal: 2 });
    });
    const holder = ids.find((id) => !job!.errors.some((error) => error.contactId === id));
    expect(job!.errors.map((error) => [error.code, error.data])).toEqual([
      ['DUPLICATE_CONTACT_EXISTS', { duplicateContactId: holder, duplicateEmail: 'one@rules.io' }],
      ['DUPLICATE_CONTACT_EXISTS', { duplicateContactId: holder, duplicateEmail: 'one@rules.io' }],
    ]);
  });
});
