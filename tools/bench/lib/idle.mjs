// Waiting for the app to be idle: what a phase before it left running in the background (the
// relay and the feed catching up with its writes) is not charged to the phase after it.
import { performance } from 'node:perf_hooks';
import { sleep } from './processes.mjs';
import { processTicks } from './rss.mjs';
import { round2 } from './stats.mjs';

export const IDLE_LIMIT_S = 120;
/**
 * CPU of the app under this share of a core over a window (twice in a row) counts as idle: work
 * left over (the relay catching up) runs at a whole core, an idle app uses next to nothing, and
 * --cpu-prof's sampling thread, GC and timers stay well under this.
 */
const IDLE_SHARE = 0.25;
const IDLE_WINDOW_MS = 500;

/** Waits until the app's process uses (almost) no CPU; without /proc, waits 5 s. */
export async function waitUntilIdle(pid) {
  const start = performance.now();
  const seconds = () => round2((performance.now() - start) / 1000);
  if (processTicks(pid) === undefined) {
    await sleep(5_000);
    return { idle: true, seconds: seconds(), measured: false };
  }
  let quietWindows = 0;
  let last = processTicks(pid);
  while (performance.now() - start < IDLE_LIMIT_S * 1000) {
    await sleep(IDLE_WINDOW_MS);
    const now = processTicks(pid);
    const share = (now - last) / 100 / (IDLE_WINDOW_MS / 1000); // ticks are 1/100 s
    last = now;
    quietWindows = share <= IDLE_SHARE ? quietWindows + 1 : 0;
    if (quietWindows >= 2) return { idle: true, seconds: seconds(), measured: true };
  }
  return { idle: false, seconds: seconds(), measured: true };
}
