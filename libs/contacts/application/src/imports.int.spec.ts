import { mapRow } from '@cp/contacts-domain';
import { ContactsApplication, IMPORT_BATCH_ROWS } from './index';
import { expectError, siteA, useContactsOnSqlite } from './test/contacts-test-kit';

const COLUMNS = ['First Name', 'Last Name', 'Email', 'Labels', 'Score'];
const row = (first: string, email: string, labels = '', score = '') => ({ 'First Name': first, 'Last Name': 'Import', Email: email, Labels: labels, Score: score });

describe('contact imports', () => {
  const running = useContactsOnSqlite();
  let app: ContactsApplication;
  beforeEach(() => ({ app } = running));

  /** Uploads the rows in batches as the gateway does, and waits for the import to finish. */
  async function runImport(rows: Record<string, string>[], options: { onDuplicate?: string; dryRun?: boolean; mapping?: Record<string, string>; columns?: string[]; site?: typeof siteA } = {}) {
    const site = options.site ?? siteA;
    const columns = options.columns ?? COLUMNS;
    const { import: created } = await app.imports.create(site, { onDuplicate: options.onDuplicate ?? 'SKIP', dryRun: options.dryRun ?? false, format: options.columns ? 'JSONL' : 'CSV', columns, mapping: options.mapping ?? (options.columns ? {} : { Score: 'extendedField:custom.score' }) });
    expect(created.status).toBe('UPLOADING');
    const batches = Math.ceil(rows.length / IMPORT_BATCH_ROWS);
    for (let batch = 0; batch < batches; batch++) {
      const slice = rows.slice(batch * IMPORT_BATCH_ROWS, (batch + 1) * IMPORT_BATCH_ROWS);
      await app.imports.addRows(site, { importId: created.id, batch, firstRow: batch * IMPORT_BATCH_ROWS + 1, rows: slice });
    }
    await app.imports.finishUpload(site, { importId: created.id, rows: rows.length, batches });
    await app.imports.idle();
    return (await app.imports.get(site, created.id)).import;
  }

  const total = async () => (await app.queries.query(siteA, {})).pagingMetadata.total;

  it('creates a contact per row, with labels found or created by name and typed extended fields, and reports bad rows by number', async () => {
    const done = await runImport([row('Ada', 'ada@import.io', 'VIP; Gold', '42'), row('Grace', 'not-an-email'), row('Alan', 'alan@import.io', '', 'many')]);
    expect(done).toMatchObject({ status: 'COMPLETED', totalRows: 3, processedRows: 3, created: 1, updated: 0, skipped: 0, failed: 2 });
    const [ada] = (await app.queries.query(siteA, { filter: { 'info.emails.email': 'ada@import.io' } })).contacts;
    expect(ada.info.name).toEqual({ first: 'Ada', last: 'Import' });
    expect(ada.info.labelKeys?.items).toEqual(['custom.vip', 'custom.gold']);
    expect(ada.info.extendedFields?.items?.['custom.score']).toBe(42);
    const errors = await app.imports.errors(siteA, { importId: done.id });
    expect(errors.columns).toEqual(COLUMNS);
    expect(errors.errors.map((e) => [e.row, e.code, e.values['First Name']])).toEqual([
      [2, 'INVALID_ARGUMENT', 'Grace'],
      [3, 'INVALID_ARGUMENT', 'Alan'],
    ]);
  });

  it('honours onDuplicate: SKIP leaves the existing contact, UPDATE changes it, CREATE makes another', async () => {
    const existing = await app.commands.create(siteA, { info: { name: { first: 'Old' }, emails: { items: [{ email: 'dup@import.io' }] } } });
    expect(await runImport([row('New', 'dup@import.io')], { onDuplicate: 'SKIP' })).toMatchObject({ created: 0, skipped: 1 });
    expect((await app.queries.get(siteA, { contactId: existing.id })).contact.info.name?.first).toBe('Old');
    expect(await runImport([row('New', 'DUP@import.io', 'Gold')], { onDuplicate: 'UPDATE' })).toMatchObject({ created: 0, updated: 1 });
    const updated = (await app.queries.get(siteA, { contactId: existing.id })).contact;
    expect([updated.info.name?.first, updated.info.labelKeys?.items]).toEqual(['New', ['custom.gold']]);
    expect(await runImport([row('Twin', 'dup@import.io')], { onDuplicate: 'CREATE' })).toMatchObject({ created: 1 });
    expect(await total()).toBe(2);
  });

  it('changes nothing when the same file is imported again with SKIP', async () => {
    const rows = Array.from({ length: IMPORT_BATCH_ROWS + 20 }, (_, i) => row(`P${i}`, `p${i}@import.io`));
    expect(await runImport(rows)).toMatchObject({ created: rows.length, processedRows: rows.length });
    expect(await runImport(rows)).toMatchObject({ created: 0, skipped: rows.length });
    expect(await total()).toBe(rows.length);
  });

  it('applies a row a crashed run had applied once: its create answers the contact made before', async () => {
    const { import: created } = await app.imports.create(siteA, { onDuplicate: 'SKIP', dryRun: false, format: 'CSV', columns: COLUMNS });
    // What a runner that died after row 2's create, before recording its batch, left behind.
    const rowB = row('B', 'b@import.io');
    await app.commands.create(siteA, { info: mapRow(rowB, created.mapping).info, allowDuplicates: false, idempotencyKey: `import:${created.id}:2` });
    await app.imports.addRows(siteA, { importId: created.id, batch: 0, firstRow: 1, rows: [row('A', 'a@import.io'), rowB, row('C', 'c@import.io')] });
    await app.imports.finishUpload(siteA, { importId: created.id, rows: 3, batches: 1 });
    await app.imports.idle();
    expect((await app.imports.get(siteA, created.id)).import).toMatchObject({ created: 3, skipped: 0, failed: 0 });
    expect(await total()).toBe(3);
  });

  it('writes nothing in a dry run, and tells what the run would do', async () => {
    await app.commands.create(siteA, { info: { emails: { items: [{ email: 'there@import.io' }] } } });
    const done = await runImport([row('A', 'there@import.io'), row('B', 'new@import.io', 'Brand new label'), row('C', 'bad')], { dryRun: true });
    expect(done).toMatchObject({ status: 'COMPLETED', dryRun: true, created: 1, skipped: 1, failed: 1 });
    expect(await total()).toBe(1);
  });

  it('refuses a mapping it cannot follow before any row is kept', async () => {
    await expectError(app.imports.create(siteA, { onDuplicate: 'SKIP', dryRun: false, format: 'CSV', columns: COLUMNS, mapping: { Email: 'email:NOPE' } }), 'INVALID_ARGUMENT');
    await expectError(app.imports.create(siteA, { onDuplicate: 'SKIP', dryRun: false, format: 'CSV', columns: COLUMNS, mapping: { Score: 'extendedField:Nothing here' } }), 'INVALID_ARGUMENT');
    await expectError(app.imports.create(siteA, { onDuplicate: 'MAYBE', dryRun: false, format: 'CSV', columns: COLUMNS }), 'INVALID_ARGUMENT');
  });

  it('pages the errors file by bytes as well as rows, so a page of wide rows stays one message', async () => {
    const wide = 'w'.repeat(600); // 500 failed rows of ~650 bytes: one batch is a page
    const rows = Array.from({ length: 2 * IMPORT_BATCH_ROWS + 10 }, (_, i) => ({ ...row(`Wide ${i}`, `not-an-email-${i}`), 'Last Name': wide }));
    const done = await runImport(rows);
    expect(done).toMatchObject({ failed: rows.length });
    const pages = [];
    for (let fromBatch: number | undefined = 0; fromBatch !== undefined; ) {
      const page = await app.imports.errors(siteA, { importId: done.id, fromBatch });
      pages.push(page.errors.length);
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(1024 * 1024);
      fromBatch = page.nextBatch;
    }
    expect(pages).toEqual([IMPORT_BATCH_ROWS, IMPORT_BATCH_ROWS, 10]);
  });

  it('imports a JSON Lines export back unchanged: each line\'s info, as Get Contact answered it', async () => {
    const info = {
      name: { first: 'Ada', last: 'Lovelace' },
      emails: { items: [{ email: 'ada@roundtrip.io', tag: 'WORK' }, { email: 'ada.home@roundtrip.io', tag: 'HOME' }] },
      phones: { items: [{ phone: '+1 415 555 0101', tag: 'MOBILE' }, { phone: '+44 20 7946 0958', tag: 'WORK' }] },
      addresses: { items: [{ tag: 'HOME', address: { addressLine: '12 St James Square', city: 'London', country: 'GB' } }, { tag: 'WORK', address: { city: 'Cambridge', country: 'GB' } }] },
      company: 'Analytical Engines',
      jobTitle: 'Mathematician',
      birthdate: '1815-12-10',
      locale: 'en-gb',
      labelKeys: { items: ['custom.vip'] },
      extendedFields: { items: { 'custom.score': 42 } },
    };
    const original = await app.commands.create(siteA, { info });
    // A JSON Lines export's line as the import reads it: nested values are their JSON text.
    const line = { id: original.id, revision: String(original.revision), info: JSON.stringify(original.info), createdDate: original.createdDate };
    const columns = Object.keys(line);
    const siteB = { ...siteA, siteId: 'site-roundtrip' };

    expect(await runImport([line], { columns, site: siteB })).toMatchObject({ created: 1, failed: 0 });
    const [copy] = (await app.queries.query(siteB, {})).contacts;
    const comparable = (view: typeof original) => JSON.parse(JSON.stringify(view.info, (key, value) => (key === 'id' ? undefined : value)));
    expect(copy.id).not.toBe(original.id);
    expect(comparable(copy)).toEqual(comparable(original));
    // Back into its own site, updating: nothing changes but the revision.
    expect(await runImport([line], { columns, onDuplicate: 'UPDATE' })).toMatchObject({ updated: 1, failed: 0 });
    expect(comparable((await app.queries.get(siteA, { contactId: original.id })).contact as typeof original)).toEqual(comparable(original));
  });
});
