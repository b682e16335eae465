import { EnvValues, flag, optionalText, parsedBy, positiveInt } from '@cp/config';
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

/** Every webhooks variable (docs/webhooks.md, "Configuration"). */
export const webhooksVariables = {
  WEBHOOK_PRIVATE_KEY: optionalText({
    description: 'RSA private key (PEM, 2048 bits or more) that signs WIX_JWT bodies (docs/webhooks.md, "Signing key and rotation").',
    unset: 'generated into DATA_DIR/webhook-signing-key.pem',
  }),
  WEBHOOK_TIMEOUT_MS: positiveInt(WEBHOOK_DEFAULTS.timeoutMs, { description: 'an attempt is delivered when a 2xx status arrives within this.' }),
  WEBHOOK_RETRY_SCHEDULE: parsedBy((raw) => parseRetrySchedule(raw ?? WIX_RETRY_SCHEDULE), {
    description: "delays between attempts (Wix's by default), comma-separated numbers with ms, s, m, h or d; past the last, a delivery is FAILED.",
    default: WIX_RETRY_SCHEDULE,
  }),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: flag(false, { description: 'true lets subscriptions target loopback and private addresses (a receiver on the same machine, tests).' }),
  WEBHOOK_CONCURRENCY: positiveInt(WEBHOOK_DEFAULTS.concurrencyPerSubscription, { description: 'attempts in flight per subscription (per replica in distributed mode).' }),
  WEBHOOK_SWEEP_INTERVAL_MS: positiveInt(WEBHOOK_DEFAULTS.sweepIntervalMs, { description: 'how often stored pending work nobody holds is looked for (after a restart, a paused subscription\'s deliveries).' }),
};

export function webhooksSettings(values: EnvValues<typeof webhooksVariables>): WebhooksConfig {
  return {
    privateKeyPem: values.WEBHOOK_PRIVATE_KEY,
    timeoutMs: values.WEBHOOK_TIMEOUT_MS,
    retryScheduleMs: values.WEBHOOK_RETRY_SCHEDULE,
    allowPrivateTargets: values.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    concurrencyPerSubscription: values.WEBHOOK_CONCURRENCY,
    sweepIntervalMs: values.WEBHOOK_SWEEP_INTERVAL_MS,
  };
}
