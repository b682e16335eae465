import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long a loop may hold the event loop before it lets waiting requests run (see docs/architecture.md, "Long work yields"). */
export const DEFAULT_SLICE_MS = 2;

/**
 * For long loops over synchronous work (the SQLite store answers inside the same turn, so a
 * loop of awaits never leaves the microtask queue): `await slice.pause()` after each step hands
 * the event loop back once the slice's time is used up, so other requests interleave.
 */
export class TimeSlice {
  private startedAt = performance.now();

  constructor(private readonly sliceMs = DEFAULT_SLICE_MS) {}

  async pause(): Promise<void> {
    if (performance.now() - this.startedAt < this.sliceMs) return;
    await nextTurn();
    this.startedAt = performance.now();
  }
}
