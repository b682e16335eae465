// Samples the resident set size of every bench-related process (every 200 ms by default) and
// keeps the peaks: per role, and of the sum over the processes alive at the same instant.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class RssSampler {
  constructor(intervalMs = 200) {
    this.intervalMs = intervalMs;
    /** role -> pid, for the processes alive now */
    this.tracked = new Map();
    /** role -> peak MB */
    this.peaks = {};
    this.peakTotalMb = 0;
    this.peakTotalAt = '';
    this.phase = 'start';
    this.timer = undefined;
  }

  track(role, pid) {
    this.tracked.set(role, pid);
  }

  untrack(role) {
    this.sample(); // one last look before it goes
    this.tracked.delete(role);
  }

  setPhase(phase) {
    this.phase = phase;
  }

  start() {
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
  }

  sample() {
    let total = 0;
    for (const [role, pid] of this.tracked) {
      const mb = rssMb(pid);
      if (mb === undefined) continue;
      total += mb;
      if (!(this.peaks[role] >= mb)) this.peaks[role] = mb;
    }
    if (total > this.peakTotalMb) {
      this.peakTotalMb = total;
      this.peakTotalAt = `${this.phase} (${[...this.tracked.keys()].join(' + ')})`;
    }
  }
}

/** RSS of a process in MB: /proc/<pid>/status on Linux, `ps` elsewhere; undefined if it is gone. */
export function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch (error) {
    if (error.code === 'ENOENT' && process.platform === 'linux') return undefined;
  }
  try {
    const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isFinite(kb) && kb > 0 ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}
