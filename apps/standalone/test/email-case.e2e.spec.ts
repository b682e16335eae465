import { Harness, KEYS, startHarness, uniqueSite } from './harness';

/**
 * A form integration looks contacts up by the email someone typed, in whatever case: email
 * filters match as the duplicate check does, case-insensitively, and return the email as stored.
 */
describe('email filters ignore case, like the duplicate check', () => {
  let app: Harness;
  const as = { key: KEYS.everything, site: uniqueSite('email-case') };
  let adaId: string;

  const query = async (filter: Record<string, unknown>) => {
    const response = await app.call('POST', '/contacts/v4/contacts/query', { ...as, body: { query: { filter } } });
    expect(response.status).toBe(200);
    return (response.body.contacts as { id: string; primaryInfo?: { email?: string } }[]).map((contact) => contact.id);
  };

  beforeAll(async () => {
    app = await startHarness();
    const created = await app.call('POST', '/contacts/v4/contacts', { ...as, body: { info: { name: { first: 'Ada' }, emails: { items: [{ email: 'ada@x.com' }, { email: 'Lovelace@Engines.org' }] } } } });
    expect(created.status).toBe(200);
    adaId = created.body.contact.id;
    expect((await app.call('POST', '/contacts/v4/contacts', { ...as, body: { info: { name: { first: 'Grace' }, emails: { items: [{ email: 'grace@navy.mil' }] } } } })).status).toBe(200);
  });
  afterAll(() => app.stop());

  it('finds the contact whatever the case of the email asked for', async () => {
    expect(await query({ 'info.emails.email': 'Ada@X.com' })).toEqual([adaId]);
    expect(await query({ 'info.emails.email': { $in: ['LOVELACE@engines.ORG'] } })).toEqual([adaId]);
    expect(await query({ 'primaryInfo.email': { $eq: 'ADA@X.COM' } })).toEqual([adaId]);
    expect(await query({ 'primaryEmail.email': { $in: ['nobody@x.com', 'aDa@x.cOm'] } })).toEqual([adaId]);
    expect(await query({ 'info.emails.email': { $startsWith: 'LOVE' } })).toEqual([adaId]);
    expect(await query({ $and: [{ 'info.emails.email': { $nin: ['GRACE@NAVY.MIL'] } }, { 'primaryInfo.email': { $ne: 'Ada@x.com' } }] })).toEqual([]);
  });

  it('answers with the email as it was stored', async () => {
    const response = await app.call('POST', '/contacts/v4/contacts/query', { ...as, body: { query: { filter: { 'info.emails.email': 'LOVELACE@ENGINES.ORG' } } } });
    expect(response.body.contacts[0].info.emails.items.map((item: { email: string }) => item.email)).toEqual(['ada@x.com', 'Lovelace@Engines.org']);
  });

  it('agrees with the duplicate check: the address a lookup finds is the one a create is refused for', async () => {
    const typed = 'ADA@x.COM';
    expect(await query({ 'info.emails.email': typed })).toEqual([adaId]);
    const duplicate = await app.call('POST', '/contacts/v4/contacts', { ...as, body: { info: { emails: { items: [{ email: typed }] } } } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.details.applicationError.data.duplicateContactId).toBe(adaId);
  });
});
