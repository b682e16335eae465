#!/usr/bin/env node
// Issue 18's memory target: an import's memory is flat in the size of its file. Starts the
// standalone app on a fresh DATA_DIR, imports a small file (10k rows) to learn the app's peak
// RSS with an import running, then a large one (default 1M rows), sampling the app's RSS every
// 200 ms, and reports both peaks. Both imports are dry runs by default: every row is read,
// stored in its batch, checked as a create would check it and looked up for a duplicate, but no
// contact is written, so the read model (which grows with contacts, not with files) stays as it
// was and what is left is the import's own memory. `--apply` creates the contacts instead.
//
//   npm run build && node tools/bench/import-memory.mjs [--rows 1000000] [--apply] [--read-store sqlite] [--app-flags '--max-old-space-size=256']
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { importRows } from './lib/import-phase.mjs';
import { sleep, stopApps } from './lib/processes.mjs';
import { rssMb } from './lib/rss.mjs';
import { startStandalone } from './lib/standalone.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const rows = Number(option('--rows', '1000000'));
const apply = args.includes('--apply');
const readStore = option('--read-store', undefined);
/** Node flags for the app alone (e.g. a heap limit: does the import still complete under it?). */
const appFlags = option('--app-flags', '').split(' ').filter(Boolean);
const KEY = { key: 'import-memory-key-0123456789', sites: ['import-memory'], scopes: ['*'], name: 'import-memory' };
const headers = { authorization: KEY.key, 'wix-site-id': KEY.sites[0] };
const SMALL = 10_000;

const dataDir = mkdtempSync(join(tmpdir(), 'import-memory-'));
const { baseUrl, apps } = await startStandalone({ root, dataDir, apiKeys: [KEY], nodeFlags: appFlags, logFile: (role) => join(dataDir, `${role}.log`), env: readStore ? { READ_STORE: readStore } : {}, onStart: () => undefined });
const pid = apps[0].proc.pid;

/** Uploads `count` rows and follows the import to its end, sampling the app's RSS; resolves with the import's figures and the peak. */
async function importAndWatch(count, label) {
  // Different emails each time: the large import's rows are not the small one's duplicates.
  const csv = importRows(count, 0).replaceAll('@bench-import.io', `@${label}.bench-import.io`);
  const form = new FormData();
  form.append('dryRun', String(!apply));
  form.append('file', new Blob([csv], { type: 'text/csv' }), `${label}.csv`);
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid) ?? 0)), 200);
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}/contacts/v4/imports`, { method: 'POST', headers, body: form });
    const answer = await response.json();
    if (response.status !== 200) throw new Error(`the upload answered ${response.status}: ${JSON.stringify(answer)}`);
    let current = answer.import;
    while (current.status !== 'COMPLETED' && current.status !== 'FAILED') {
      await sleep(500);
      current = (await (await fetch(`${baseUrl}/contacts/v4/imports/${current.id}`, { headers })).json()).import;
    }
    const seconds = (performance.now() - started) / 1000;
    const figures = { rows: count, file_mb: Math.round(Buffer.byteLength(csv) / 1e5) / 10, status: current.status, seconds: Math.round(seconds * 10) / 10, rows_per_s: Math.round(count / seconds), rss_before_mb: Math.round(before), rss_peak_mb: Math.round(peak) };
    console.log(`${label}: ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    clearInterval(sampler);
  }
}

try {
  console.log(`import memory: ${apply ? 'applied' : 'dry-run'} imports on the ${readStore ?? 'default'} read store (data in ${dataDir})`);
  const small = await importAndWatch(SMALL, 'small');
  const large = await importAndWatch(rows, 'large');
  const growth = large.rss_peak_mb - small.rss_peak_mb;
  console.log(`peak RSS: ${small.rss_peak_mb} MB importing ${SMALL.toLocaleString('en')} rows, ${large.rss_peak_mb} MB importing ${rows.toLocaleString('en')} (${large.file_mb} MB): ${growth >= 0 ? '+' : ''}${growth} MB (target: at most +100 MB) ${growth <= 100 ? 'PASS' : 'MISS'}`);
} finally {
  await stopApps(apps);
  rmSync(dataDir, { recursive: true, force: true });
}
