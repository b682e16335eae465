export { loadSigningKeys, SIGNING_KEY_FILE, type SigningKeys } from './signing-keys';
export { signWixWebhook, WIX_WEBHOOK_CONTENT_TYPE, WIX_WEBHOOK_TTL_SECONDS, wixWebhookPayload, type WixWebhookPayload } from './wix-jwt';
export { generateWebhookSecret, STANDARD_WEBHOOK_CONTENT_TYPE, standardWebhookHeaders, type StandardWebhookHeaders } from './standard-webhooks';
export {
  checkWebhookUrl,
  connectLookup,
  type OutboundPolicy,
  refusedAddress,
  type ResolveHost,
  resolveHost,
  WebhookTargetRefused,
} from './outbound-guard';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type DeliveryResult,
  HttpWebhookSender,
  type HttpWebhookSenderOptions,
  type WebhookRequest,
} from './http-sender';
