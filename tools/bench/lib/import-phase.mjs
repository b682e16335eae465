// Issue 18: a CSV import through POST /contacts/v4/imports, as a CRM migration does: new rows,
// rows whose email a seeded contact has (onDuplicate SKIP), bad rows, labels by display name.
// Reported: the upload's time, that its counts are what the file holds, what another client sees
// meanwhile — a bystander's query p99 during the import's first seconds against the same query
// idle just before — and the import's rows/s once the bystander has stopped (the bystander, one
// query every 10 ms, takes half the main thread at 100k, which the import, yielding to requests
// as it should, then does not get), beside its rate over the whole import (server dates).
import { performance } from 'node:perf_hooks';
import { startBystander, windowStats } from './bystander.mjs';
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

/**
 * `bystanderOptions` (benchDir, forked, rss, labelKeys, idleSeconds): the prober's set-up, as the
 * isolation phases have it; it probes idle and then during the import for idleSeconds each.
 */
export async function runImportPhase({ baseUrl, headers, rows, seeded, log, bystanderOptions, timeoutMs = 600_000 }) {
  log(`\n== import: ${rows.toLocaleString('en')} CSV rows through POST /contacts/v4/imports (every ${DUPLICATE_EVERY}th a seeded contact's email, skipped; every ${BAD_EVERY}th a bad email), a bystander querying every 10 ms before it and for its first ${bystanderOptions.idleSeconds} s`);
  const csv = importRows(rows, seeded);
  const form = new FormData();
  form.append('onDuplicate', 'SKIP');
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'bench.csv');
  const { idleSeconds, ...prober } = bystanderOptions;
  const bystander = startBystander({ ...prober, url: baseUrl, headers });
  bystander.mark('idle:start');
  await sleep(idleSeconds * 1000);
  bystander.mark('idle:end');
  bystander.mark('import:start');
  const started = performance.now();
  const response = await fetch(`${baseUrl}/contacts/v4/imports`, { method: 'POST', headers, body: form });
  const answer = await response.json();
  const uploadS = (performance.now() - started) / 1000;
  bystander.mark('import:uploaded');
  if (response.status !== 200) throw new Error(`the import's upload answered ${response.status}: ${JSON.stringify(answer)}`);
  const id = answer.import.id;
  let current = answer.import;
  const done = () => current.status === 'COMPLETED' || current.status === 'FAILED' || performance.now() - started >= timeoutMs;
  const poll = async () => {
    await sleep(250);
    current = (await (await fetch(`${baseUrl}/contacts/v4/imports/${id}`, { headers })).json()).import;
  };
  while (!done() && performance.now() - started < idleSeconds * 1000) await poll();
  bystander.mark('import:end');
  const probes = await bystander.stop();
  // The rest of the import, alone: its rate from the progress seen as the bystander stopped.
  const alone = { at: performance.now(), rows: current.processedRows ?? 0 };
  while (!done()) await poll();
  const observedS = (performance.now() - started) / 1000;
  const aloneS = (performance.now() - alone.at) / 1000;
  const queryIdle = windowStats(probes, 'idle:start', 'idle:end');
  const queryDuring = windowStats(probes, 'import:start', 'import:end');
  // Where the waits are: while the file is uploaded (the gateway parses it and stores its batches), and while the rows run.
  const queryUploading = windowStats(probes, 'import:start', 'import:uploaded');
  const queryRunning = windowStats(probes, 'import:uploaded', 'import:end');
  const serverS = current.finishedDate ? (Date.parse(current.finishedDate) - Date.parse(current.createdDate)) / 1000 : null;
  const expected = { failed: Math.floor(rows / BAD_EVERY), skipped: seeded > 0 ? Math.floor(rows / DUPLICATE_EVERY) - Math.floor(rows / BAD_EVERY) : 0 };
  const result = {
    rows,
    file_mb: round2(Buffer.byteLength(csv) / 1e6),
    status: current.status,
    upload_s: round2(uploadS),
    observed_s: round2(observedS),
    server_s: serverS,
    // Too few rows left after the probing (a quick run's small file) make no rate.
    rows_per_s: current.status === 'COMPLETED' && rows - alone.rows >= rows / 4 ? Math.round((rows - alone.rows) / aloneS) : null,
    rows_alone: rows - alone.rows,
    rows_per_s_whole: serverS ? Math.round(rows / serverS) : null,
    counts: { created: current.created, updated: current.updated, skipped: current.skipped, failed: current.failed },
    expected,
    counts_ok: current.failed === expected.failed && current.skipped === expected.skipped && current.created === rows - expected.failed - expected.skipped,
    query_idle: queryIdle,
    query_during_import: queryDuring,
    query_during_upload: queryUploading,
    query_during_run: queryRunning,
    query_p99_ratio: queryIdle?.p99_ms > 0 && queryDuring?.p99_ms !== undefined ? round2(queryDuring.p99_ms / queryIdle.p99_ms) : null,
  };
  log(`  ${current.status}: ${result.rows_per_s ?? '—'} rows/s once the bystander stopped (${result.rows_alone} rows), ${result.rows_per_s_whole ?? '—'} rows/s over the whole import (upload ${result.upload_s} s of ${result.file_mb} MB; created ${current.created}, skipped ${current.skipped}, failed ${current.failed}; counts ${result.counts_ok ? 'as expected' : `NOT as expected ${JSON.stringify(expected)}`})`);
  log(`  bystander's query p99: idle ${queryIdle?.p99_ms ?? '—'} ms, during the import ${queryDuring?.p99_ms ?? '—'} ms (ratio ${result.query_p99_ratio ?? '—'}${queryDuring?.failed ? `; ${queryDuring.failed} failed` : ''}): ${queryUploading?.p99_ms ?? '—'} ms while uploading, ${queryRunning?.p99_ms ?? '—'} ms while the rows run`);
  return result;
}
