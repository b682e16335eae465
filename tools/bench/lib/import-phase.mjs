// Issue 18: a CSV import through POST /contacts/v4/imports, as a CRM migration does: new rows,
// rows whose email a seeded contact has (onDuplicate SKIP), bad rows, labels by display name.
// Reported: the upload's time, the import's rows/s (from its creation to its finish, as the
// server dates them) and that its counts are what the file holds.
import { performance } from 'node:perf_hooks';
import { contactInfo } from './data.mjs';
import { sleep } from './processes.mjs';
import { round2 } from './stats.mjs';

/** Every 10th row repeats a seeded contact's email (skipped), every 50th has a bad email (failed). */
const DUPLICATE_EVERY = 10;
const BAD_EVERY = 50;

export function importRows(rows, seeded) {
  const lines = ['First Name,Last Name,Email,Phone,Company,Labels'];
  for (let i = 0; i < rows; i++) {
    const email = i % BAD_EVERY === BAD_EVERY - 1 ? `bad-email-${i}` : i % DUPLICATE_EVERY === DUPLICATE_EVERY - 1 && seeded > 0 ? contactInfo(i % seeded, [], []).emails.items[0].email : `import-${i}@bench-import.io`;
    lines.push(`Imported,Row ${i},${email},+1415${String(3_000_000 + i).padStart(7, '0')},"Company ${i % 97}, Inc.",${i % 3 === 0 ? 'Imported; Bench' : 'Imported'}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runImportPhase({ baseUrl, headers, rows, seeded, log, timeoutMs = 600_000 }) {
  log(`\n== import: ${rows.toLocaleString('en')} CSV rows through POST /contacts/v4/imports (every ${DUPLICATE_EVERY}th a seeded contact's email, skipped; every ${BAD_EVERY}th a bad email)`);
  const csv = importRows(rows, seeded);
  const form = new FormData();
  form.append('onDuplicate', 'SKIP');
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'bench.csv');
  const started = performance.now();
  const response = await fetch(`${baseUrl}/contacts/v4/imports`, { method: 'POST', headers, body: form });
  const answer = await response.json();
  const uploadS = (performance.now() - started) / 1000;
  if (response.status !== 200) throw new Error(`the import's upload answered ${response.status}: ${JSON.stringify(answer)}`);
  const id = answer.import.id;
  let current = answer.import;
  while (current.status !== 'COMPLETED' && current.status !== 'FAILED' && performance.now() - started < timeoutMs) {
    await sleep(250);
    current = (await (await fetch(`${baseUrl}/contacts/v4/imports/${id}`, { headers })).json()).import;
  }
  const observedS = (performance.now() - started) / 1000;
  const serverS = current.finishedDate ? (Date.parse(current.finishedDate) - Date.parse(current.createdDate)) / 1000 : null;
  const expected = { failed: Math.floor(rows / BAD_EVERY), skipped: seeded > 0 ? Math.floor(rows / DUPLICATE_EVERY) - Math.floor(rows / BAD_EVERY) : 0 };
  const result = {
    rows,
    file_mb: round2(Buffer.byteLength(csv) / 1e6),
    status: current.status,
    upload_s: round2(uploadS),
    observed_s: round2(observedS),
    server_s: serverS,
    rows_per_s: serverS ? Math.round(rows / serverS) : null,
    counts: { created: current.created, updated: current.updated, skipped: current.skipped, failed: current.failed },
    expected,
    counts_ok: current.failed === expected.failed && current.skipped === expected.skipped && current.created === rows - expected.failed - expected.skipped,
  };
  log(`  ${current.status}: ${result.rows_per_s ?? '—'} rows/s (upload ${result.upload_s} s of ${result.file_mb} MB; created ${current.created}, skipped ${current.skipped}, failed ${current.failed}; counts ${result.counts_ok ? 'as expected' : `NOT as expected ${JSON.stringify(expected)}`})`);
  return result;
}
