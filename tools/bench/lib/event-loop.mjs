// The bench's side of tools/bench/event-loop-monitor.cjs: the app processes run with that preload,
// and each `next()` ends a window and starts the next, reading the longest event-loop block the
// apps had in the window that ended (the largest over the apps when there are several).
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EVENT_LOOP_PRELOAD = join(dirname(fileURLToPath(import.meta.url)), '../event-loop-monitor.cjs');

export class EventLoopMonitor {
  constructor() {
    this.dir = mkdtempSync(join(os.tmpdir(), 'contacts-bench-eld-'));
    this.pids = [];
  }

  /** The environment the app processes need to report to this monitor. */
  env() {
    return { BENCH_EVENT_LOOP_DIR: this.dir };
  }

  watch(pids) {
    this.pids = pids;
  }

  /**
   * Ends the current window of every app and starts a new one; resolves with the ended window's
   * figures { max_ms, p99_ms, mean_ms, ticks, window_ms }, or null if an app did not answer
   * within `timeoutMs` (its loop is still blocked) or has no window yet.
   */
  async next(timeoutMs) {
    const reports = await Promise.all(this.pids.map((pid) => this.ask(pid, timeoutMs)));
    if (reports.some((r) => r === null || r.ticks === undefined)) return null;
    const worst = reports.reduce((a, b) => ((b.max_ms ?? 0) > (a.max_ms ?? 0) ? b : a));
    const { pid, ...figures } = worst;
    return { ...figures, ...(this.pids.length > 1 && { pid }) };
  }

  ask(pid, timeoutMs) {
    return new Promise((resolve) => {
      const socket = connect(join(this.dir, `eld-${pid}.sock`));
      let text = '';
      const done = (report) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(report);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () => {
        try {
          done(JSON.parse(text));
        } catch {
          done(null);
        }
      });
      socket.on('error', () => done(null)); // no monitor there (the app is gone or was started without it)
    });
  }

  close() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
