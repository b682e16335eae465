import 'reflect-metadata';
import { ConfigError, readConfig } from './config';
import { startStandalone } from './standalone';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const running = await startStandalone(config, { announce: (lines) => lines.forEach((line) => console.log(line)), webhooksInWorker: true });
  console.log(`Contacts platform listening on ${running.url} (API docs: ${running.url}/docs, data: ${config.dataDir})`);
  const stop = async () => {
    await running.close();
    process.exit(process.exitCode ?? 0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
