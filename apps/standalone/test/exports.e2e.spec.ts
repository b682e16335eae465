import { parse } from 'csv-parse/sync';
import { eventually, expectConforming, Harness, KEYS, startHarness, uniqueSite } from './harness';

/** Contact exports over HTTP: a snapshot as of the export's start, read back as CSV or JSON Lines, and a round trip through import. */
describe('contact exports over HTTP', () => {
  let app: Harness;
  const as = { key: KEYS.everything, site: uniqueSite('site-exports') };
  const other = { key: KEYS.everything, site: uniqueSite('site-exports-copy') };
  const call = (method: string, path: string, body?: unknown, who = as) => app.call(method, path, { ...who, body });

  beforeAll(async () => {
    app = await startHarness();
  });
  afterAll(async () => {
    await app.stop();
  });

  async function file(exportId: string, who = as) {
    const response = await fetch(`${app.url}/contacts/v4/exports/${exportId}/file`, { headers: { authorization: who.key, 'wix-site-id': who.site } });
    const text = await response.text();
    await expectConforming(app.url, { method: 'GET', path: `/contacts/v4/exports/${exportId}/file`, status: response.status, contentType: response.headers.get('content-type'), text });
    return { status: response.status, type: response.headers.get('content-type'), text };
  }

  it('shows the contacts as they were when it began, whatever changes after, and imports back into another site', async () => {
    const { label } = (await call('POST', '/contacts/v4/labels', { displayName: 'Export VIP' })).body;
    const create = async (info: Record<string, unknown>) => (await call('POST', '/contacts/v4/contacts', { info })).body.contact;
    const ada = await create({ name: { first: 'Ada', last: 'Lovelace' }, emails: { items: [{ email: 'ada@exports.io' }, { email: 'ada2@exports.io' }] }, phones: { items: [{ phone: '+14155550101' }] }, company: 'Engines', jobTitle: 'Analyst', birthdate: '1815-12-10', labelKeys: { items: [label.key] }, addresses: { items: [{ address: { addressLine: '1 Main St', city: 'London', country: 'GB' } }] } });
    const grace = await create({ name: { first: 'Grace', last: 'Hopper' }, emails: { items: [{ email: 'grace@exports.io' }] } });

    const created = await call('POST', '/contacts/v4/exports', { filter: { 'info.emails.email': { $in: ['ada@exports.io', 'grace@exports.io', 'late@exports.io'] } } });
    expect([created.status, created.body.message]).toEqual([200, undefined]);
    expect(created.body.export).toMatchObject({ status: 'READY', format: 'CSV', totalContacts: 2 });
    const exportId = created.body.export.id;
    // Changes after the start do not reach the file.
    await call('PATCH', `/contacts/v4/contacts/${ada.id}`, { revision: ada.revision, info: { company: 'Changed later' } });
    await call('DELETE', `/contacts/v4/contacts/${grace.id}`);
    await create({ name: { first: 'Late' }, emails: { items: [{ email: 'late@exports.io' }] } });

    const csv = await file(exportId);
    expect([csv.status, csv.type]).toEqual([200, 'text/csv; charset=utf-8']);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['Email 1']).sort()).toEqual(['ada@exports.io', 'grace@exports.io']);
    expect(rows.find((r) => r['First Name'] === 'Ada')).toMatchObject({ 'Contact ID': ada.id, 'Last Name': 'Lovelace', 'Email 2': 'ada2@exports.io', 'Phone 1': '+14155550101', Company: 'Engines', 'Job Title': 'Analyst', Birthdate: '1815-12-10', Labels: 'Export VIP', 'Address 1 - Street': '1 Main St', 'Address 1 - City': 'London', 'Address 1 - Country': 'GB' });

    // Round trip: the file imports into another site without a mapping.
    const form = new FormData();
    form.append('file', new Blob([csv.text], { type: 'text/csv' }), 'export.csv');
    const uploaded = await fetch(`${app.url}/contacts/v4/imports`, { method: 'POST', headers: { authorization: other.key, 'wix-site-id': other.site }, body: form });
    const importId = (await uploaded.json()).import.id;
    await eventually(async () => expect((await call('GET', `/contacts/v4/imports/${importId}`, undefined, other)).body.import).toMatchObject({ status: 'COMPLETED', created: 2, failed: 0 }), 20_000);
    const copied = (await call('POST', '/contacts/v4/contacts/query', { query: { filter: { 'info.emails.email': 'ada@exports.io' } } }, other)).body.contacts[0];
    const original = (await call('POST', '/contacts/v4/contacts/query', { query: { filter: { 'info.emails.email': 'ada@exports.io' } } })).body.contacts[0];
    type Info = { name: unknown; emails: { items: { email: string }[] }; phones: { items: { e164Phone: string }[] }; jobTitle: string; birthdate: string; addresses: { items: { address: unknown }[] }; labelKeys: { items: string[] } };
    const essentials = (c: { info: Info }) => ({
      name: c.info.name,
      emails: c.info.emails.items.map((e) => e.email),
      phones: c.info.phones.items.map((p) => p.e164Phone),
      jobTitle: c.info.jobTitle,
      birthdate: c.info.birthdate,
      address: c.info.addresses.items[0].address,
      labels: c.info.labelKeys.items,
    });
    expect(essentials(copied)).toEqual(essentials(original));
    expect(copied.info.company).toBe('Engines'); // as exported, before the later change
  });

  it('writes JSON Lines of the contacts as Get Contact answered them then; an unknown export is a 404', async () => {
    const contact = (await call('POST', '/contacts/v4/contacts', { info: { name: { first: 'Jsonl' }, emails: { items: [{ email: 'jsonl@exports-json.io' }] } } })).body.contact;
    const created = await call('POST', '/contacts/v4/exports', { filter: { 'info.emails.email': 'jsonl@exports-json.io' }, format: 'JSONL' });
    await call('PATCH', `/contacts/v4/contacts/${contact.id}`, { revision: 1, info: { company: 'Later' } });
    const jsonl = await file(created.body.export.id);
    expect(jsonl.type).toBe('application/x-ndjson; charset=utf-8');
    const lines = jsonl.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([contact]);
    expect((await call('GET', `/contacts/v4/exports/${created.body.export.id}`)).body.export).toMatchObject({ format: 'JSONL', totalContacts: 1 });
    expect((await call('GET', '/contacts/v4/exports/7c8d0a4e-8f6a-4e0b-9f3a-2b1c0d9e8f7a')).status).toBe(404);
    expect((await file('7c8d0a4e-8f6a-4e0b-9f3a-2b1c0d9e8f7a')).status).toBe(404);
    expect((await call('POST', '/contacts/v4/exports', { format: 'XML' })).status).toBe(400);
  });

  it('round-trips a JSON Lines export through import unchanged: tags, every item, extended fields and labels', async () => {
    const who = { key: KEYS.everything, site: uniqueSite('site-exports-jsonl') };
    const copy = { key: KEYS.everything, site: uniqueSite('site-exports-jsonl-copy') };
    // The other site has the same definitions (a JSON line names labels and fields by key).
    for (const site of [who, copy]) {
      await call('POST', '/contacts/v4/labels', { displayName: 'Round Trip' }, site);
      await call('POST', '/contacts/v4/extended-fields', { displayName: 'Tier', dataType: 'TEXT' }, site);
    }
    const label = (await call('POST', '/contacts/v4/labels', { displayName: 'Round Trip' }, who)).body.label.key;
    const field = (await call('POST', '/contacts/v4/extended-fields', { displayName: 'Tier', dataType: 'TEXT' }, who)).body.field.key;
    for (const [n, tag] of [[1, 'WORK'], [2, 'HOME'], [3, 'MAIN']]) {
      const made = await call('POST', '/contacts/v4/contacts', {
        info: {
          name: { first: `Trip ${n}`, last: 'Jsonl' },
          emails: { items: [{ email: `trip${n}@exports-jsonl.io`, tag }, { email: `trip${n}.other@exports-jsonl.io`, tag: 'UNTAGGED' }] },
          phones: { items: [{ phone: `+1415555010${n}`, tag: 'MOBILE' }, { phone: `+4420794609${n}0`, tag: 'FAX' }] },
          addresses: { items: [{ tag: 'HOME', address: { addressLine: `${n} Main St`, city: 'London', country: 'GB' } }, { tag: 'WORK', address: { city: 'Paris', country: 'FR' } }] },
          company: 'Trips',
          locale: 'en-gb',
          labelKeys: { items: [label] },
          extendedFields: { items: { [field]: `gold-${n}` } },
        },
      }, who);
      expect([made.status, made.body.message]).toEqual([200, undefined]);
    }
    const exported = async (site: typeof who) => {
      const { body } = await call('POST', '/contacts/v4/exports', { format: 'JSONL' }, site);
      return (await file(body.export.id, site)).text;
    };
    const first = await exported(who);

    const form = new FormData();
    form.append('file', new Blob([first], { type: 'application/x-ndjson' }), 'contacts.jsonl');
    const uploaded = await fetch(`${app.url}/contacts/v4/imports`, { method: 'POST', headers: { authorization: copy.key, 'wix-site-id': copy.site }, body: form });
    const answer = await uploaded.json();
    expect([uploaded.status, answer.message]).toEqual([200, undefined]);
    await eventually(async () => expect((await call('GET', `/contacts/v4/imports/${answer.import.id}`, undefined, copy)).body.import).toMatchObject({ status: 'COMPLETED', created: 3, failed: 0 }), 20_000);

    // Every contact's info as it was, but for the ids the other site gave it.
    const infos = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) => JSON.stringify(JSON.parse(line).info, (key, value) => (key === 'id' ? undefined : value)))
        .sort();
    expect(infos(await exported(copy))).toEqual(infos(first));
  });
});
