import { contacts, extendedFields, labels } from '@wix/crm';
import { emailSubscriptions } from '@wix/email-subscriptions';
import { AppStrategy, createClient } from '@wix/sdk';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** What a handler of Wix's SDK was called with, and for which event type. */
export interface Received {
  eventType: string;
  entity?: any;
  data?: any;
  metadata: any;
}

/**
 * A webhook receiver as a Wix app developer writes one: a real HTTP server whose handler passes
 * the body to `client.webhooks.process` of Wix's SDK, with `AppStrategy({ appId, publicKey })`,
 * and collects what the SDK's event handlers were called with. `respond` decides the status
 * per request (for retry tests); a rejected body (bad signature) is answered 401.
 */
export class WixWebhookReceiver {
  readonly received: Received[] = [];
  readonly rawBodies: string[] = [];
  readonly headers: IncomingMessage['headers'][] = [];
  respond: (request: { body: string; index: number }) => number = () => 200;
  /** Awaited before answering: a slow receiver. */
  delay: () => Promise<void> = async () => undefined;
  private server: Server | undefined;

  constructor(private readonly publicKey: string) {}

  async start(): Promise<string> {
    const client = createClient({ auth: AppStrategy({ appId: 'receiver-app', publicKey: this.publicKey }), modules: { contacts, labels, extendedFields, emailSubscriptions } });
    const record = (eventType: string) => (envelope: any) => {
      this.received.push({ eventType, entity: envelope.entity, data: envelope.data, metadata: envelope.metadata });
    };
    client.contacts.onContactCreated(record('wix.contacts.v4.contact_created'));
    client.contacts.onContactUpdated(record('wix.contacts.v4.contact_updated'));
    client.contacts.onContactDeleted(record('wix.contacts.v4.contact_deleted'));
    client.contacts.onContactMerged(record('wix.contacts.v4.contact_merged'));
    client.labels.onLabelCreated(record('wix.contacts.v4.label_created'));
    client.labels.onLabelUpdated(record('wix.contacts.v4.label_updated'));
    client.labels.onLabelDeleted(record('wix.contacts.v4.label_deleted'));
    client.extendedFields.onExtendedFieldCreated(record('wix.contacts.v4.extended-field_created'));
    client.extendedFields.onExtendedFieldUpdated(record('wix.contacts.v4.extended-field_updated'));
    client.extendedFields.onExtendedFieldDeleted(record('wix.contacts.v4.extended-field_deleted'));
    client.emailSubscriptions.onEmailsubscriptionEmailSubscriptionChanged(record('com.wixpress.emailsubscriptions.v1.EmailSubscriptionChanged'));

    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        await this.delay();
        const body = Buffer.concat(chunks).toString('utf8');
        const status = this.respond({ body, index: this.rawBodies.length });
        this.rawBodies.push(body);
        this.headers.push(request.headers);
        if (status < 200 || status >= 300) {
          response.writeHead(status).end();
          return;
        }
        client.webhooks.process(body).then(
          () => response.writeHead(status).end(),
          () => response.writeHead(401).end(),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/webhooks`;
  }

  of(eventType: string): Received[] {
    return this.received.filter((r) => r.eventType === eventType);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }
}
