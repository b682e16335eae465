import { ConfigError, readEnv } from '@cp/config';
import { TracingSettings, tracingEnv } from './tracing-variables';

let running: { shutdown(): Promise<void> } | undefined;

/**
 * Starts tracing for `app` when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise does nothing at all
 * (the SDK is not even loaded). Called by each app's `tracing.ts`, the first import of its
 * main.ts: the instrumentations can patch http and kafkajs only if they are registered before
 * those are first required, which happens while main.ts's other imports load.
 *
 * So it reads process.env itself, before the app reads its configuration. The variables are
 * the app's schema's all the same (tracingVariables is part of every app's), so a bad value
 * still stops the boot with every other problem, from the app's own check; here it only means
 * "no tracing".
 */
export function startTracing(app: string, env: NodeJS.ProcessEnv = process.env): TracingSettings {
  let settings: TracingSettings;
  try {
    settings = readEnv(tracingEnv(app), env);
  } catch (error) {
    if (error instanceof ConfigError) return { enabled: false };
    throw error;
  }
  if (!settings.enabled || running) return settings;
  // Required here rather than imported, so that with tracing off the SDK is never loaded.
  const { startSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  running = startSdk(settings);
  return settings;
}

/**
 * Sends the spans still buffered (the last requests of a stop) and stops the SDK; a no-op when
 * tracing is off. Bounded: a receiver that is away must not hold the stop up.
 */
export async function stopTracing(limitMs = 2_000): Promise<void> {
  const sdk = running;
  running = undefined;
  if (!sdk) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([sdk.shutdown().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, limitMs)))]);
  clearTimeout(timer);
}
