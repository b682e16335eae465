import { MESSAGE_EVENT_TYPES, type PublicEvent } from '@cp/contracts';
import { SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys';

/** What a Wix webhook carries; `data` and `identity` travel as JSON strings inside the JWT. */
export interface WixWebhookPayload {
  eventType: string;
  instanceId: string;
  /** The domain event body (`id`, `entityFqdn`, `slug`, `entityId`, `createdEvent`...). */
  data: object;
  identity?: object;
}

/** The JWT is signed per attempt, so it need only outlive transit and the receiver's clock skew. */
export const WIX_WEBHOOK_TTL_SECONDS = 600;

/** Content type of the Wix webhook body (a bare JWT). */
export const WIX_WEBHOOK_CONTENT_TYPE = 'text/plain';

/**
 * The body of a Wix-style webhook POST: a JWT (RS256) whose `data` claim is a JSON string of
 * `{ eventType, instanceId, data, identity }`, the last two JSON strings themselves, which is
 * what `@wix/sdk`'s `client.webhooks.process(body)` verifies and parses.
 */
export async function signWixWebhook(
  keys: SigningKeys,
  payload: WixWebhookPayload,
  options: { now?: Date; ttlSeconds?: number } = {},
): Promise<string> {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const data = JSON.stringify({
    eventType: payload.eventType,
    instanceId: payload.instanceId,
    data: JSON.stringify(payload.data),
    ...(payload.identity && { identity: JSON.stringify(payload.identity) }),
  });
  return new SignJWT({ data })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.keyId })
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttlSeconds ?? WIX_WEBHOOK_TTL_SECONDS))
    .sign(keys.privateKey);
}

/**
 * A public event as Wix sends it: eventType, instanceId and identity in the envelope, the rest
 * as the domain event body (the SDK spreads that body into the handler's `metadata`); a message
 * event (EmailSubscriptionChanged) has the message itself as its data.
 */
export function wixWebhookPayload(event: PublicEvent): WixWebhookPayload {
  const { eventType, instanceId, identity, ...data } = event;
  if (MESSAGE_EVENT_TYPES.includes(eventType)) return { eventType, instanceId, data: event.actionEvent?.body ?? {}, identity };
  return { eventType, instanceId, data, identity };
}
