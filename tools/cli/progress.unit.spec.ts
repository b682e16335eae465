import { progress } from './progress';

/** Collects what is written, as a file or a terminal would receive it. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

describe('progress', () => {
  it('writes a line at each tenth to a file, and never a carriage return', () => {
    const output = sink(false);
    const shown = progress('exporting', output, () => 0);
    for (let done = 1; done <= 1000; done++) shown.update(done, 1000);
    shown.finish(1000, 1000);
    const lines = output.text().split('\n').filter(Boolean);
    expect(output.text()).not.toContain('\r');
    expect(lines).toHaveLength(11); // 0% (the first event) to 100%, each once
    expect(lines[0]).toBe('exporting: 0% (1/1000)');
    expect(lines.at(-1)).toBe('exporting: 100% (1000/1000)');
  });

  it('writes a line every few seconds to a file while a tenth takes long', () => {
    const output = sink(false);
    let now = 0;
    const shown = progress('rebuilding', output, () => now);
    shown.update(1, 1000);
    now = 4000;
    shown.update(2, 1000);
    now = 6000;
    shown.update(3, 1000);
    expect(output.text()).toBe('rebuilding: 0% (1/1000)\nrebuilding: 0% (3/1000)\n');
  });

  it('redraws one bar in place on a terminal, at most every 100 ms, and ends its line', () => {
    const output = sink(true);
    let now = 0;
    const shown = progress('exporting', output, () => now);
    shown.update(1, 4);
    shown.update(2, 4); // within 100 ms of the last draw: skipped
    now = 150;
    shown.update(3, 4);
    shown.finish(4, 4);
    expect(output.chunks.filter((chunk) => chunk.startsWith('\r'))).toHaveLength(3);
    expect(output.text()).toMatch(/\rexporting \[#{30}\] 100% 4\/4\n$/);
  });

  it('puts a note on a line of its own, not inside the bar', () => {
    const output = sink(true);
    const shown = progress('rebuilding', output, () => 0);
    shown.update(1, 2);
    shown.note('a projection failed');
    expect(output.text()).toMatch(/1\/2\na projection failed\n$/);
  });
});
