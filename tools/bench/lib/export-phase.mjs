// Issue 18: every contact of the site exported as CSV, as a periodic export to another CRM does:
// POST /contacts/v4/exports, then the file streamed from GET .../exports/{id}/file. Reported:
// contacts/s from the POST to the file's last byte, and that the file has a row per contact.
import { performance } from 'node:perf_hooks';
import { round2 } from './stats.mjs';

export async function runExportPhase({ baseUrl, headers, log }) {
  log('\n== export: every contact as CSV through POST /contacts/v4/exports and its file');
  const started = performance.now();
  const response = await fetch(`${baseUrl}/contacts/v4/exports`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ format: 'CSV' }) });
  const created = await response.json();
  if (response.status !== 200) throw new Error(`creating the export answered ${response.status}: ${JSON.stringify(created)}`);
  const snapshotS = (performance.now() - started) / 1000;
  const file = await fetch(`${baseUrl}/contacts/v4/exports/${created.export.id}/file`, { headers });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of file.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  const contacts = created.export.totalContacts;
  const result = {
    contacts,
    snapshot_s: round2(snapshotS),
    seconds: round2(seconds),
    contacts_per_s: Math.round(contacts / seconds),
    file_mb: round2(bytes / 1e6),
    // The header, then one line per contact (no cell of the bench's contacts holds a line break).
    rows_ok: lines === contacts + 1,
  };
  log(`  ${result.contacts_per_s} contacts/s: ${contacts} contacts, ${result.file_mb} MB in ${result.seconds} s (the snapshot ${result.snapshot_s} s); rows ${result.rows_ok ? 'one per contact' : `NOT one per contact (${lines - 1} lines)`}`);
  return result;
}
