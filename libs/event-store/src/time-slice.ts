import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long a loop may hold the event loop before it lets waiting requests run (see docs/architecture.md, "Long work yields"). */
export const DEFAULT_SLICE_MS = 2;

export interface TimeSliceOptions {
  /** The slice, in milliseconds (DEFAULT_SLICE_MS). */
  sliceMs?: number;
  /**
   * After giving the turn away, the loop may hold the event loop for this share of the time it
   * waited for its turn again, when that is longer than the slice (0: the slice only). For a loop
   * that must keep up with a steady stream of work rather than clear a backlog once: under load a
   * turn is tens of milliseconds of requests, and a fixed slice per turn falls ever further behind.
   */
  shareOfWait?: number;
}

/**
 * For long loops over synchronous work (the SQLite store answers inside the same turn, so a
 * loop of awaits never leaves the microtask queue): `await slice.pause()` after each step hands
 * the event loop back once the slice's time is used up, so other requests interleave.
 */
export class TimeSlice {
  private readonly sliceMs: number;
  private readonly shareOfWait: number;
  private startedAt = performance.now();
  private budgetMs: number;

  constructor({ sliceMs = DEFAULT_SLICE_MS, shareOfWait = 0 }: TimeSliceOptions = {}) {
    this.sliceMs = sliceMs;
    this.shareOfWait = shareOfWait;
    this.budgetMs = sliceMs;
  }

  /** The loop waited for work, not for its turn: a fresh slice starts now. */
  restart(): void {
    this.startedAt = performance.now();
    this.budgetMs = this.sliceMs;
  }

  async pause(): Promise<void> {
    const pausedAt = performance.now();
    if (pausedAt - this.startedAt < this.budgetMs) return;
    await nextTurn();
    this.startedAt = performance.now();
    this.budgetMs = Math.max(this.sliceMs, this.shareOfWait * (this.startedAt - pausedAt));
  }
}
