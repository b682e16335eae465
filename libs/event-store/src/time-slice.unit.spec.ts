import { TimeSlice } from './time-slice';

describe('TimeSlice', () => {
  it('lets a timer run in the middle of a long loop of awaits', async () => {
    let timerRan = false;
    let stepsBeforeTimer = -1;
    setTimeout(() => (timerRan = true), 0);
    const slice = new TimeSlice(1);
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
    const slice = new TimeSlice(10_000);
    for (let step = 0; step < 100; step++) await slice.pause();
    expect(immediateRan).toBe(false);
  });
});
