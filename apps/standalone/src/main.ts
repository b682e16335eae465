import './tracing';
import 'reflect-metadata';
import { runMain, stopOnSignals } from '@cp/config';
import { createLogger, noticeBox, stopTracing } from '@cp/observability';
import { readStandaloneConfig } from './config';
import { startStandalone } from './standalone';

/** How long a stop may take (in-flight requests, webhook attempts, checkpoints) before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 15_000;

runMain(async () => {
  const config = readStandaloneConfig();
  const log = createLogger(config.logging, 'standalone');
  let announcement: string[] | undefined;
  const running = await startStandalone(config, { log, announce: (lines) => (announcement = lines), webhooksInWorker: true });
  log.info({ url: running.url, dataDir: config.dataDir }, `Contacts platform listening on ${running.url} (API docs: ${running.url}/docs, data: ${config.dataDir})`);
  // The generated key goes to standard error in a box, apart from the log entries (JSON or not),
  // last, so that it does not scroll away behind the start-up lines.
  if (announcement) process.stderr.write(noticeBox(announcement));
  stopOnSignals(
    async (signal) => {
      log.info({ signal }, `Contacts platform stopping (${signal})`);
      await running.close();
      await stopTracing();
      log.info({ signal }, `Contacts platform stopped (${signal})`);
    },
    { limitMs: SHUTDOWN_LIMIT_MS, report: (message, error) => log.error({ err: error }, message) },
  );
});
