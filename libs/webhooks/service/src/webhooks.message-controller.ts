import { Controller, Inject } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Envelope, HealthReport, PublicEventTopics, WebhooksPatterns } from '@cp/contracts';
import { healthReport, publishedPublicEventOf } from '@cp/messaging';
import { parseEventTypes, WebhooksApplication } from '@cp/webhooks-application';
import { SubscriptionFields } from '@cp/webhooks-domain';
import type { WebhooksServiceOptions } from './webhooks-service.module';
import { WEBHOOKS_APPLICATION, WEBHOOKS_PORTS } from './tokens';

type IdPayload = { subscriptionId: string };

/** Message patterns of the webhooks service, and the public-event topics it stores in its feed. */
@Controller()
export class WebhooksMessageController {
  constructor(
    @Inject(WEBHOOKS_APPLICATION) private readonly app: WebhooksApplication,
    @Inject(WEBHOOKS_PORTS) private readonly ports: WebhooksServiceOptions,
  ) {}

  // One handler per topic: Nest registers one pattern per handler.
  @EventPattern(PublicEventTopics.contacts)
  async recordContactEvent(@Payload() message: unknown): Promise<void> {
    await this.app.feed.record(publishedPublicEventOf(message));
  }

  @EventPattern(PublicEventTopics.labels)
  async recordLabelEvent(@Payload() message: unknown): Promise<void> {
    await this.app.feed.record(publishedPublicEventOf(message));
  }

  @EventPattern(PublicEventTopics.extendedFields)
  async recordExtendedFieldEvent(@Payload() message: unknown): Promise<void> {
    await this.app.feed.record(publishedPublicEventOf(message));
  }

  @MessagePattern(WebhooksPatterns.createSubscription)
  create(@Payload() { context, payload }: Envelope<{ subscription: SubscriptionFields }>) {
    return this.app.subscriptions.create(context, payload.subscription);
  }

  @MessagePattern(WebhooksPatterns.listSubscriptions)
  list(@Payload() { context }: Envelope<unknown>) {
    return this.app.subscriptions.list(context);
  }

  @MessagePattern(WebhooksPatterns.getSubscription)
  get(@Payload() { context, payload }: Envelope<IdPayload>) {
    return this.app.subscriptions.get(context, payload.subscriptionId);
  }

  @MessagePattern(WebhooksPatterns.updateSubscription)
  update(@Payload() { context, payload }: Envelope<IdPayload & { subscription: SubscriptionFields }>) {
    return this.app.subscriptions.update(context, payload.subscriptionId, payload.subscription);
  }

  @MessagePattern(WebhooksPatterns.deleteSubscription)
  delete(@Payload() { context, payload }: Envelope<IdPayload>) {
    return this.app.subscriptions.delete(context, payload.subscriptionId);
  }

  @MessagePattern(WebhooksPatterns.replay)
  replay(@Payload() { context, payload }: Envelope<IdPayload & { fromDate: unknown }>) {
    return this.app.subscriptions.replay(context, payload.subscriptionId, payload.fromDate);
  }

  @MessagePattern(WebhooksPatterns.listDeliveries)
  deliveries(@Payload() { context, payload }: Envelope<IdPayload & { status?: string; limit?: string; offset?: string }>) {
    return this.app.deliveries.list(context, payload.subscriptionId, payload);
  }

  @MessagePattern(WebhooksPatterns.redeliver)
  redeliver(@Payload() { context, payload }: Envelope<IdPayload & { deliveryId: string }>) {
    return this.app.deliveries.redeliver(context, payload.subscriptionId, payload.deliveryId);
  }

  @MessagePattern(WebhooksPatterns.publicKey)
  publicKey() {
    return this.app.publicKey();
  }

  @MessagePattern(WebhooksPatterns.feed)
  feed(@Payload() { context, payload }: Envelope<{ cursor?: string; limit?: number; eventTypes?: unknown; waitMs?: number }>) {
    return this.app.feed.page(context.siteId, { cursor: payload.cursor, limit: payload.limit, eventTypes: parseEventTypes(payload.eventTypes), waitMs: payload.waitMs });
  }

  @MessagePattern(WebhooksPatterns.health)
  health(): Promise<HealthReport> {
    return healthReport('webhooks', {
      eventStore: () => this.ports.eventStore.ping(),
      readStore: () => this.ports.readStore.ping(),
      ...this.app.probes,
    });
  }
}
