// Bench-only preload (`node --require tools/bench/event-loop-monitor.cjs ...`): lets the bench read
// the app's event-loop delay without any change to the app. It listens on the Unix socket
// <BENCH_EVENT_LOOP_DIR>/eld-<pid>.sock; each connection ends the current window, answers with what
// the histogram saw in it (one JSON line) and starts a new one. The answer comes from the event
// loop, so a blocked loop answers late, but its answer still covers the whole block. The histogram
// runs only inside windows, so phases that do not ask for it pay nothing. (Not a signal: Nest's
// shutdown hooks stop the app on SIGUSR2.)
'use strict';
const { createServer } = require('node:net');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { join } = require('node:path');

const dir = process.env.BENCH_EVENT_LOOP_DIR;
if (dir) {
  // 1 ms ticks: a recorded interval is the block it spans plus under 1 ms.
  const RESOLUTION_MS = 1;
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  let histogram = null;
  let windowStart = 0;

  const closeWindow = () => {
    const report = { pid: process.pid, resolution_ms: RESOLUTION_MS };
    if (histogram) {
      histogram.disable();
      report.window_ms = Math.round(performance.now() - windowStart);
      report.ticks = histogram.count;
      if (histogram.count > 0) Object.assign(report, { max_ms: ms(histogram.max), p99_ms: ms(histogram.percentile(99)), p50_ms: ms(histogram.percentile(50)), mean_ms: ms(histogram.mean) });
    }
    return report;
  };

  const server = createServer((socket) => {
    socket.on('error', () => {}); // the bench gave up waiting: nothing to answer
    // Let one tick run first: the interval that spans a block that just ended is recorded on the
    // first tick after it.
    setTimeout(() => {
      const report = closeWindow();
      histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      histogram.enable();
      windowStart = performance.now();
      // A histogram records from its second tick on: answer only once the new window is live, so
      // that a request the bench sends next cannot block the loop unseen.
      setTimeout(() => socket.end(`${JSON.stringify(report)}\n`), 4 * RESOLUTION_MS);
    }, 2 * RESOLUTION_MS);
  });
  server.on('error', (error) => console.error(`event-loop monitor: ${error.message}`));
  server.listen(join(dir, `eld-${process.pid}.sock`));
  server.unref(); // never what keeps the app alive
}
