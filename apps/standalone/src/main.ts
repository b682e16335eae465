import 'reflect-metadata';
import { runMain } from '@cp/config';
import { readStandaloneConfig } from './config';
import { startStandalone } from './standalone';

/** How long a stop may take (in-flight requests, webhook attempts, checkpoints) before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 15_000;

runMain(async () => {
  const config = readStandaloneConfig();
  const running = await startStandalone(config, { announce: (lines) => lines.forEach((line) => console.log(line)), webhooksInWorker: true });
  console.log(`Contacts platform listening on ${running.url} (API docs: ${running.url}/docs, data: ${config.dataDir})`);
  // The only signal handlers: Nest's shutdown hooks would end the process once the gateway closed,
  // before the services and the webhooks worker. `npm start` forwards a terminal's Ctrl-C, so the
  // signal comes twice: the repeat is ignored while closing, within a limit.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`Still stopping ${SHUTDOWN_LIMIT_MS / 1000} s after ${signal}: exiting now`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    running.close().then(
      () => {
        console.log(`Contacts platform stopped (${signal})`);
        process.exit(process.exitCode ?? 0);
      },
      (error: unknown) => {
        console.error('Stopping failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
