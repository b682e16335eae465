import { PublicEvent } from '@cp/contracts';
import { WebhookSigner, WebhookTransport } from '@cp/webhooks-application';
import {
  checkWebhookUrl,
  generateWebhookSecret,
  HttpWebhookSender,
  SigningKeys,
  signWixWebhook,
  standardWebhookHeaders,
  wixWebhookPayload,
} from '@cp/webhooks-delivery';
import { AttemptResult } from '@cp/webhooks-domain';

/** The application's signer port on the delivery library's keys and formats. */
export class KeySigner implements WebhookSigner {
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor(private readonly keys: SigningKeys) {
    this.publicKeyPem = keys.publicKeyPem;
    this.keyId = keys.keyId;
  }

  signWixJwt(event: PublicEvent): Promise<string> {
    return signWixWebhook(this.keys, wixWebhookPayload(event));
  }

  standardWebhookHeaders(secret: string, messageId: string, timestamp: Date, body: string): Record<string, string> {
    return { ...standardWebhookHeaders(secret, messageId, timestamp, body) };
  }

  newSecret(): string {
    return generateWebhookSecret();
  }
}

/** The application's transport port on the outbound guard and the HTTP sender. */
export class HttpTransport implements WebhookTransport {
  private readonly sender: HttpWebhookSender;

  constructor(private readonly options: { timeoutMs: number; allowPrivateTargets: boolean }) {
    this.sender = new HttpWebhookSender({ timeoutMs: options.timeoutMs, allowPrivateTargets: options.allowPrivateTargets });
  }

  async checkTarget(url: string): Promise<void> {
    await checkWebhookUrl(url, { allowPrivateTargets: this.options.allowPrivateTargets });
  }

  send(request: { url: string; body: string; headers: Record<string, string> }): Promise<AttemptResult> {
    return this.sender.send(request);
  }
}
