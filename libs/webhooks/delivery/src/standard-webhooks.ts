import { createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks (https://www.standardwebhooks.com) headers of one message. */
export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

const SECRET_PREFIX = 'whsec_';

export const STANDARD_WEBHOOK_CONTENT_TYPE = 'application/json';

/** A new signing secret: `whsec_` and 24 random bytes in base64, as the spec suggests. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/**
 * The signature headers: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the decoded
 * secret. Several secrets (a rotation in progress) give several space-separated signatures.
 */
export function standardWebhookHeaders(
  secret: string | readonly string[],
  messageId: string,
  timestamp: Date,
  body: string,
): StandardWebhookHeaders {
  const seconds = Math.floor(timestamp.getTime() / 1000).toString();
  const signed = `${messageId}.${seconds}.${body}`;
  const signatures = (typeof secret === 'string' ? [secret] : secret).map(
    (each) => `v1,${createHmac('sha256', secretKey(each)).update(signed).digest('base64')}`,
  );
  return { 'webhook-id': messageId, 'webhook-timestamp': seconds, 'webhook-signature': signatures.join(' ') };
}

function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new Error('Webhook secret is empty or not base64');
  return key;
}
