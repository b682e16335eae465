/** Where progress goes: stderr, or any sink with write(). Only a terminal can redraw a line. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** `done` of `total` so far; cheap enough to call once per event. */
  update(done: number, total: number): void;
  /** Shows the last state, whatever the time since the one before. */
  finish(done: number, total: number): void;
  /** A message between updates, on a line of its own. */
  note(message: string): void;
}

/** How long a file or pipe may go without a line while the work goes on. */
const LINE_INTERVAL_MS = 5000;
/** How often a terminal's bar is redrawn at most. */
const REDRAW_INTERVAL_MS = 100;
const BAR_WIDTH = 30;

/**
 * Progress of `label` on `output`: a bar redrawn in place (`\r`) on a terminal; elsewhere (a log
 * file, CI) a line at every tenth and every few seconds between, so that no `\r` lands in a file.
 */
export function progress(label: string, output: ProgressOutput, clock: () => number = Date.now): Progress {
  return output.isTTY ? redrawnBar(label, output, clock) : milestoneLines(label, output, clock);
}

function ratioOf(done: number, total: number): number {
  return total > 0 ? Math.min(1, done / total) : 1;
}

function percent(ratio: number): string {
  return `${Math.floor(ratio * 100)}%`;
}

function redrawnBar(label: string, output: ProgressOutput, clock: () => number): Progress {
  let drawnAt = -Infinity;
  let onBarLine = false;
  const draw = (done: number, total: number) => {
    const ratio = ratioOf(done, total);
    const filled = Math.round(ratio * BAR_WIDTH);
    output.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${percent(ratio).padStart(4)} ${done}/${total}`);
    onBarLine = true;
  };
  return {
    update(done, total) {
      const now = clock();
      if (now - drawnAt < REDRAW_INTERVAL_MS) return;
      drawnAt = now;
      draw(done, total);
    },
    finish(done, total) {
      draw(done, total);
      output.write('\n');
      onBarLine = false;
    },
    note(message) {
      output.write(`${onBarLine ? '\n' : ''}${message}\n`);
      onBarLine = false;
    },
  };
}

function milestoneLines(label: string, output: ProgressOutput, clock: () => number): Progress {
  let lastTenth = -1;
  let writtenAt = clock();
  let lastWritten: string | undefined;
  const write = (done: number, total: number) => {
    const line = `${label}: ${percent(ratioOf(done, total))} (${done}/${total})`;
    if (line === lastWritten) return;
    output.write(`${line}\n`);
    lastWritten = line;
    writtenAt = clock();
  };
  return {
    update(done, total) {
      const tenth = Math.floor(ratioOf(done, total) * 10);
      if (tenth > lastTenth || clock() - writtenAt >= LINE_INTERVAL_MS) {
        lastTenth = Math.max(lastTenth, tenth);
        write(done, total);
      }
    },
    finish(done, total) {
      write(done, total);
    },
    note(message) {
      output.write(`${message}\n`);
    },
  };
}
