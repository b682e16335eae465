import { performance } from 'node:perf_hooks';
import { TimeSlice } from './time-slice';

describe('TimeSlice', () => {
  it('lets a timer run in the middle of a long loop of awaits', async () => {
    let timerRan = false;
    let stepsBeforeTimer = -1;
    setTimeout(() => (timerRan = true), 0);
    const slice = new TimeSlice({ sliceMs: 1 });
    const until = Date.now() + 50;
    for (let step = 0; Date.now() < until; step++) {
      await Promise.resolve(); // synchronous work awaited, as with the SQLite store
      if (timerRan && stepsBeforeTimer < 0) stepsBeforeTimer = step;
      await slice.pause();
    }
    expect(timerRan).toBe(true);
    expect(stepsBeforeTimer).toBeGreaterThan(0);
  });

  it('does not give the turn away before its slice is used up', async () => {
    let immediateRan = false;
    setImmediate(() => (immediateRan = true));
    const slice = new TimeSlice({ sliceMs: 10_000 });
    for (let step = 0; step < 100; step++) await slice.pause();
    expect(immediateRan).toBe(false);
  });

  it('starts a fresh slice when the loop restarts after waiting for work', async () => {
    const slice = new TimeSlice({ sliceMs: 5 });
    await busyFor(10); // the slice is used up while the loop waits for work, not its turn
    slice.restart();
    let immediateRan = false;
    setImmediate(() => (immediateRan = true));
    await slice.pause();
    expect(immediateRan).toBe(false);
  });

  it('holds the loop for its share of a long wait for the turn, not just the slice', async () => {
    const slice = new TimeSlice({ sliceMs: 1, shareOfWait: 0.5 });
    await busyFor(2);
    // The turn comes back only after 40 ms of other work: half of that is the next slice.
    setImmediate(() => busyFor(40));
    await slice.pause();
    const resumedAt = performance.now();
    let immediateRan = false;
    setImmediate(() => (immediateRan = true));
    while (performance.now() - resumedAt < 10) await slice.pause();
    expect(immediateRan).toBe(false);
  });

  it('keeps to the slice when it has no share of the wait', async () => {
    const slice = new TimeSlice({ sliceMs: 1 });
    await busyFor(2);
    setImmediate(() => busyFor(40));
    await slice.pause();
    const resumedAt = performance.now();
    let immediateRan = false;
    setImmediate(() => (immediateRan = true));
    while (performance.now() - resumedAt < 10 && !immediateRan) await slice.pause();
    expect(immediateRan).toBe(true);
  });
});

/** Holds the thread, as synchronous work does. */
function busyFor(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until);
  return Promise.resolve();
}
