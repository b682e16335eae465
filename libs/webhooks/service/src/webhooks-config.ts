import { parseRetrySchedule, WIX_RETRY_SCHEDULE } from '@cp/webhooks-domain';

/** The webhooks settings from the environment, the same in both modes. */
export interface WebhooksConfig {
  /** WEBHOOK_PRIVATE_KEY (PEM); absent: generated once and kept in the data dir. */
  privateKeyPem?: string;
  /** WEBHOOK_TIMEOUT_MS: a 2xx within it counts as delivered (Wix: 1250). */
  timeoutMs: number;
  /** WEBHOOK_RETRY_SCHEDULE: delays between attempts (Wix's by default). */
  retryScheduleMs: number[];
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS=true lets subscriptions target loopback and private addresses (development, tests). */
  allowPrivateTargets: boolean;
  /** WEBHOOK_CONCURRENCY: attempts in flight per subscription. */
  concurrencyPerSubscription: number;
  /** WEBHOOK_SWEEP_INTERVAL_MS: how often storage is looked at for pending work nobody holds. */
  sweepIntervalMs: number;
}

export const WEBHOOK_DEFAULTS = { timeoutMs: 1250, concurrencyPerSubscription: 10, sweepIntervalMs: 5_000 } as const;

/** Reads every webhooks variable; returns the problems instead of stopping at the first. */
export function readWebhooksConfig(env: NodeJS.ProcessEnv): { config: WebhooksConfig; problems: string[] } {
  const problems: string[] = [];
  const value = (name: string) => (env[name] === undefined || env[name]!.trim() === '' ? undefined : env[name]!.trim());
  const positive = (name: string, fallback: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < 1) problems.push(`${name} must be a positive integer, got "${raw}"`);
    return parsed;
  };
  let retryScheduleMs: number[] = [];
  try {
    retryScheduleMs = parseRetrySchedule(value('WEBHOOK_RETRY_SCHEDULE') ?? WIX_RETRY_SCHEDULE);
  } catch (error) {
    problems.push(`WEBHOOK_RETRY_SCHEDULE: ${(error as Error).message}`);
  }
  const allow = value('WEBHOOK_ALLOW_PRIVATE_TARGETS');
  if (allow !== undefined && allow !== 'true' && allow !== 'false') problems.push(`WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false, got "${allow}"`);
  return {
    config: {
      privateKeyPem: env.WEBHOOK_PRIVATE_KEY?.trim() ? env.WEBHOOK_PRIVATE_KEY : undefined,
      timeoutMs: positive('WEBHOOK_TIMEOUT_MS', WEBHOOK_DEFAULTS.timeoutMs),
      retryScheduleMs,
      allowPrivateTargets: allow === 'true',
      concurrencyPerSubscription: positive('WEBHOOK_CONCURRENCY', WEBHOOK_DEFAULTS.concurrencyPerSubscription),
      sweepIntervalMs: positive('WEBHOOK_SWEEP_INTERVAL_MS', WEBHOOK_DEFAULTS.sweepIntervalMs),
    },
    problems,
  };
}
