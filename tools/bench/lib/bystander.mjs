// The bench's side of tools/bench/prober.mjs: a bystander process that keeps sending the query
// phase's request one at a time while the bench does something heavy, and the latencies it saw
// within a window of marks.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { percentile, round2 } from './stats.mjs';

/**
 * Forks the prober and starts it; `forked` is the bench's set of helpers to kill on an early exit.
 * Returns { mark(name), stop() } where stop resolves with { samples, marks }.
 */
export function startBystander({ benchDir, forked, rss, url, headers, labelKeys, intervalMs = 10, timeoutMs = 90_000 }) {
  const child = fork(join(benchDir, 'prober.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  forked.add(child);
  rss?.track('prober', child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then(() => {
    forked.delete(child);
    rss?.untrack('prober');
  });
  child.send({ cmd: 'start', url, headers, labelKeys, intervalMs, timeoutMs });
  return {
    mark: (name) => child.send({ cmd: 'mark', name }),
    stop: () =>
      new Promise((resolve, reject) => {
        child.once('message', resolve);
        exited.then((code) => reject(new Error(`the prober exited with ${code} before reporting`)));
        child.send({ cmd: 'stop' });
      }),
  };
}

/**
 * Latency of the probes that were in flight at any time between marks `from` and `to`: a probe
 * sent before a block and answered after it counts, with the whole wait.
 */
export function windowStats({ samples, marks }, from, to) {
  const start = marks[from];
  const end = marks[to];
  if (start === undefined || end === undefined) return null;
  const inWindow = samples.filter(([sentAt, ms]) => sentAt <= end && sentAt + ms >= start);
  const times = inWindow.map(([, ms]) => ms);
  if (times.length === 0) return { samples: 0 };
  const failed = inWindow.filter(([, , status]) => !(status >= 200 && status < 300));
  return {
    samples: times.length,
    p50_ms: percentile(times, 50),
    p99_ms: percentile(times, 99),
    max_ms: round2(Math.max(...times)),
    ...(failed.length > 0 && { failed: failed.length, failed_statuses: [...new Set(failed.map(([, , s]) => s))] }),
  };
}
