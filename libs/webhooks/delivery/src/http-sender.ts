import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connectLookup, hostnameOf, type OutboundPolicy, parseWebhookUrl, refusedAddress, WebhookTargetRefused } from './outbound-guard';

export interface HttpWebhookSenderOptions extends OutboundPolicy {
  /** Covers the whole exchange: lookup, connect, TLS, request, response headers. */
  timeoutMs?: number;
  /** Response bytes read (and discarded) before the socket is dropped instead of reused. */
  maxResponseBytes?: number;
  userAgent?: string;
}

export interface WebhookRequest {
  url: string;
  body: string;
  /** Including `content-type`: text/plain for the Wix JWT, application/json for Standard Webhooks. */
  headers?: Record<string, string>;
}

export interface DeliveryResult {
  /** A 2xx answer. */
  delivered: boolean;
  statusCode?: number;
  /** Why not delivered, short: 'timeout after 1250 ms', 'connection refused', 'http status 500'... */
  error?: string;
  /** Until the response headers (or the failure). */
  durationMs: number;
}

export const DEFAULT_TIMEOUT_MS = 1250;
export const DEFAULT_MAX_RESPONSE_BYTES = 4096;
const DEFAULT_USER_AGENT = 'contacts-platform-webhooks/1';
// Idle keep-alive sockets close before common server idle timeouts (Node's own: 5 s).
const IDLE_SOCKET_MS = 4000;

class DeliveryTimeout extends Error {}

/**
 * POSTs webhooks over keep-alive connections; never throws. Redirects are not followed, the
 * target's addresses are checked at connect time, and the response body is never buffered.
 */
export class HttpWebhookSender {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;
  private readonly allowPrivateTargets: boolean;
  private readonly lookup: ReturnType<typeof connectLookup>;
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent };

  constructor(options: HttpWebhookSenderOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.allowPrivateTargets = options.allowPrivateTargets ?? false;
    this.lookup = connectLookup(options);
    const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS };
    this.agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  }

  async send(request: WebhookRequest): Promise<DeliveryResult> {
    const started = performance.now();
    const result = (outcome: Omit<DeliveryResult, 'durationMs'>): DeliveryResult => ({
      ...outcome,
      durationMs: Math.round(performance.now() - started),
    });
    let target: URL;
    try {
      target = parseWebhookUrl(request.url);
      // net.connect does not call `lookup` for an IP literal, so it is checked here.
      const host = hostnameOf(target);
      const reason = isIP(host) && !this.allowPrivateTargets ? refusedAddress(host) : undefined;
      if (reason) throw new WebhookTargetRefused(reason);
    } catch (error) {
      return result({ delivered: false, error: describe(error, this.timeoutMs) });
    }
    return new Promise((resolve) => this.exchange(target, request, (outcome) => resolve(result(outcome))));
  }

  /** Closes the pooled connections. */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  private exchange(target: URL, request: WebhookRequest, settle: (outcome: Omit<DeliveryResult, 'durationMs'>) => void): void {
    let settled = false;
    const finish = (outcome: Omit<DeliveryResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      settle(outcome);
    };
    let current: http.ClientRequest;
    // One deadline for everything, retry included; it also bounds reading the response body.
    const timer = setTimeout(() => current.destroy(new DeliveryTimeout()), this.timeoutMs);

    const attempt = (isRetry: boolean) => {
      const transport = target.protocol === 'https:' ? https : http;
      let req: http.ClientRequest;
      try {
        req = current = transport.request(target, {
          method: 'POST',
          agent: this.agents[target.protocol as 'http:' | 'https:'],
          lookup: this.lookup,
          headers: { 'user-agent': this.userAgent, ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        });
      } catch (error) {
        // e.g. a header value with a newline in it
        clearTimeout(timer);
        return finish({ delivered: false, error: describe(error, this.timeoutMs) });
      }
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A pooled connection the server had just closed: one fresh try, as Node's docs advise.
        if (!settled && !isRetry && req.reusedSocket && error.code === 'ECONNRESET') return attempt(true);
        clearTimeout(timer);
        finish({ delivered: false, error: describe(error, this.timeoutMs) });
      });
      req.on('response', (res) => {
        const statusCode = res.statusCode ?? 0;
        finish(outcome(statusCode));
        // Drain what is small so the socket is reused; drop the socket past the limit.
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > this.maxResponseBytes) res.destroy();
        });
        res.on('error', () => {});
        res.on('close', () => clearTimeout(timer));
      });
      req.end(request.body);
    };
    attempt(false);
  }
}

function outcome(statusCode: number): Omit<DeliveryResult, 'durationMs'> {
  if (statusCode >= 200 && statusCode < 300) return { delivered: true, statusCode };
  if (statusCode >= 300 && statusCode < 400) return { delivered: false, statusCode, error: `redirect not followed (${statusCode})` };
  return { delivered: false, statusCode, error: `http status ${statusCode}` };
}

const ERROR_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed (EAI_AGAIN)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
};

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof DeliveryTimeout) return `timeout after ${timeoutMs} ms`;
  if (error instanceof WebhookTargetRefused) return `target refused: ${error.reason}`;
  // Connecting to several addresses (autoSelectFamily) fails with all their errors.
  const first = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const { code, message } = first as NodeJS.ErrnoException;
  if (code && ERROR_CODES[code]) return ERROR_CODES[code];
  if (code && /CERT|TLS|SSL|^EPROTO$/.test(code)) return `tls error (${code})`;
  return String(message).slice(0, 200);
}
