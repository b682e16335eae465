// Samples the resident set size of every bench-related process (every 200 ms by default) and
// keeps the peaks: per role, and of the sum over the processes alive at the same instant.
// A role may belong to a group (e.g. the five apps of the distributed stack), whose summed peak
// is kept too; a group marked `outside` (the distributed infrastructure: Kafka, the MongoDB-wire server) is not
// counted in the bench's total, but its processes' CPU counts as the system's own, not as
// other work on the machine.
// On Linux it also watches the CPU time of the machine against that of the bench's own
// processes, so that a run disturbed by other work on the machine says so.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export class RssSampler {
  constructor(intervalMs = 200) {
    this.intervalMs = intervalMs;
    /** role -> pid, for the processes alive now */
    this.tracked = new Map();
    /** role -> peak MB */
    this.peaks = {};
    /** role -> { group, outside } for roles tracked with a group */
    this.roleGroups = new Map();
    /** group -> peak of its summed MB */
    this.groupPeaks = {};
    this.peakTotalMb = 0;
    this.peakTotalAt = '';
    this.phase = 'start';
    this.timer = undefined;
    /** pid -> CPU ticks seen last; phase -> { seconds, foreignTicks, ownTicks } */
    this.ticks = new Map();
    this.cpuByPhase = {};
    this.lastBusy = machineBusyTicks();
    this.lastAt = Date.now();
  }

  /** `group` sums the role with others; `outside` keeps it out of the bench's total. */
  track(role, pid, { group, outside = false } = {}) {
    this.sampleCpu(); // close the books before the new process counts as the bench's own
    this.tracked.set(role, pid);
    if (group) this.roleGroups.set(role, { group, outside });
    const ticks = processTicks(pid);
    if (ticks !== undefined) this.ticks.set(pid, ticks);
  }

  untrack(role) {
    this.sample(); // one last look before it goes
    this.tracked.delete(role);
  }

  setPhase(phase) {
    this.sampleCpu();
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
    this.sampleCpu();
    let total = 0;
    const groups = {};
    const counted = [];
    for (const [role, pid] of this.tracked) {
      const mb = rssMb(pid);
      if (mb === undefined) continue;
      if (!(this.peaks[role] >= mb)) this.peaks[role] = mb;
      const { group, outside } = this.roleGroups.get(role) ?? {};
      if (group) groups[group] = (groups[group] ?? 0) + mb;
      if (outside) continue;
      total += mb;
      counted.push(role);
    }
    for (const [group, mb] of Object.entries(groups)) if (!(this.groupPeaks[group] >= mb)) this.groupPeaks[group] = mb;
    if (total > this.peakTotalMb) {
      this.peakTotalMb = total;
      this.peakTotalAt = `${this.phase} (${counted.join(' + ')})`;
    }
  }

  sampleCpu() {
    const busy = machineBusyTicks();
    if (busy === undefined) return;
    let own = 0;
    for (const pid of this.tracked.values()) {
      const ticks = processTicks(pid);
      if (ticks === undefined) continue;
      const before = this.ticks.get(pid);
      if (before !== undefined) own += ticks - before;
      this.ticks.set(pid, ticks);
    }
    const now = Date.now();
    const phase = (this.cpuByPhase[this.phase] ??= { seconds: 0, foreignTicks: 0, ownTicks: 0 });
    phase.seconds += (now - this.lastAt) / 1000;
    phase.ownTicks += own;
    phase.foreignTicks += Math.max(0, busy - this.lastBusy - own);
    this.lastBusy = busy;
    this.lastAt = now;
  }

  /** Per phase: CPU cores used on average by the bench's processes and by everything else. */
  cpuReport() {
    const hz = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux
    return Object.fromEntries(
      Object.entries(this.cpuByPhase)
        .filter(([, p]) => p.seconds > 0.5)
        .map(([phase, p]) => [phase, { own_cores: round2(p.ownTicks / hz / p.seconds), other_cores: round2(p.foreignTicks / hz / p.seconds) }]),
    );
  }
}

const round2 = (x) => Math.round(x * 100) / 100;

/** Busy CPU ticks of the whole machine (all cores), or undefined off Linux. */
function machineBusyTicks() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return user + nice + system + irq + softirq + (steal || 0); // idle and iowait are not busy
  } catch {
    return undefined;
  }
}

/** utime + stime of a process in ticks, or undefined. */
export function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** CPU ticks (1/100 s) of each thread of a process, by thread id (Linux; empty elsewhere). */
export function threadTicks(pid) {
  const ticks = new Map();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const ticksOfThread = processTicks(`${pid}/task/${tid}`);
      if (ticksOfThread !== undefined) ticks.set(Number(tid), ticksOfThread);
    }
  } catch {
    /* not Linux, or the process is gone */
  }
  return ticks;
}

/**
 * Cores each thread used between two `threadTicks` readings: the main thread (its id is the
 * pid), the busiest other thread (in the standalone app, the webhooks worker) and the rest together.
 */
export function threadCores(pid, before, after, seconds) {
  const used = [...after].map(([tid, ticks]) => [tid, (ticks - (before.get(tid) ?? ticks)) / 100 / seconds]);
  const main = used.find(([tid]) => tid === pid)?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== pid).sort((a, b) => b[1] - a[1]);
  const round = (x) => Math.round(x * 100) / 100;
  return { main: round(main), busiest_other: round(others[0]?.[1] ?? 0), rest: round(others.slice(1).reduce((sum, [, cores]) => sum + cores, 0)) };
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
