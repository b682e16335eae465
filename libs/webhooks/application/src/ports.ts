import { PublicEvent } from '@cp/contracts';
import { AttemptResult } from '@cp/webhooks-domain';

/** How a webhook is signed: Wix's JWT envelope or Standard Webhooks' HMAC headers. */
export interface WebhookSigner {
  /** SPKI PEM of the key that signs the JWTs (what receivers verify with). */
  readonly publicKeyPem: string;
  /** The JWTs' `kid`: tells a receiver which key signed them (rotation). */
  readonly keyId: string;
  /** The body of a Wix-format webhook: the event in Wix's JWT envelope. */
  signWixJwt(event: PublicEvent): Promise<string>;
  standardWebhookHeaders(secret: string, messageId: string, timestamp: Date, body: string): Record<string, string>;
  newSecret(): string;
}

/** Where webhooks go out: the target check (at subscription time) and the POST itself. */
export interface WebhookTransport {
  /** Throws an error whose message says why the URL is refused (private address, bad scheme...). */
  checkTarget(url: string): Promise<void>;
  /** Never throws: a failure is a result. */
  send(request: { url: string; body: string; headers: Record<string, string> }): Promise<AttemptResult>;
}

export interface WebhooksSettings {
  /** Delays between attempts (WEBHOOK_RETRY_SCHEDULE); past the last, a delivery fails. */
  retryScheduleMs: readonly number[];
  /** A 2xx within this counts as delivered (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Attempts in flight per subscription at most. */
  concurrencyPerSubscription: number;
  /** Names this process in leases: unique per replica. */
  workerId: string;
  /**
   * No other worker shares this store (standalone: one process owns DATA_DIR). Then every pending
   * delivery in storage is this worker's: attempts begin once the first sweep has taken them on,
   * and a lane needs no look at the read model for another worker's earlier delivery.
   */
  soleWorker?: boolean;
  /** How often pending deliveries are looked for in storage (retries due, work of dead workers). */
  sweepIntervalMs: number;
}

export interface WebhooksLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
