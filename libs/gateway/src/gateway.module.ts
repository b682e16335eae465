import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ApiKey, ApiKeyRegistry } from './auth/api-keys';
import { API_KEY_REGISTRY, AuthGuard } from './auth/auth.guard';
import { ExtendedFieldsController } from './catalog/extended-fields.controller';
import { LabelsController } from './catalog/labels.controller';
import { BulkController } from './contacts/bulk.controller';
import { ExportsController } from './contacts/exports.controller';
import { ImportsController } from './contacts/imports.controller';
import { ContactsController } from './contacts/contacts.controller';
import { EmailSubscriptionsController } from './email-subscriptions/email-subscriptions.controller';
import { UNSUBSCRIBE_LINKS } from './email-subscriptions/tokens';
import { UnsubscribeLinks } from './email-subscriptions/unsubscribe-links';
import { UnsubscribeController } from './email-subscriptions/unsubscribe.controller';
import { HealthController, HTTP_DRAIN } from './health/health.controller';
import { HttpDrain } from './http/drain';
import { MetricsController, PROCESS_METRICS } from './health/metrics.controller';
import type { ProcessMetrics } from '@cp/observability';
import { HttpErrorFilter } from './http/http-error.filter';
import { createValidationPipe } from './http/validation';
import { RATE_LIMITER, RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimiter } from './rate-limit/rate-limiter';
import { CONTACTS_CLIENT, EXTENDED_FIELDS_CLIENT, GATEWAY_SERVICES, GatewayServices, LABELS_CLIENT, WEBHOOKS_CLIENT } from './service-clients';
import { EventsController } from './webhooks/events.controller';
import { WebhooksController } from './webhooks/webhooks.controller';
import { DocsRedirectController } from './openapi/docs-redirect.controller';

export interface GatewayOptions {
  services: GatewayServices;
  apiKeys: readonly ApiKey[];
  /** Token buckets per API key and site (RATE_LIMITS); absent: no limits. */
  rateLimiter?: RateLimiter;
  /** Signs and checks unsubscribe links (UNSUBSCRIBE_LINK_*). */
  unsubscribeLinks: UnsubscribeLinks;
  /** The HTTP adapter's drain (gatewayHttpAdapter), whose start turns /health/ready to 503; absent: never draining. */
  drain?: HttpDrain;
  /** Served at GET /metrics (no key); absent: no such route (METRICS=false). */
  metrics?: ProcessMetrics;
}

/** The public REST API. It holds no domain logic: it authenticates, validates and forwards. */
@Module({})
export class GatewayModule {
  static register(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [
        HealthController,
        ...(options.metrics ? [MetricsController] : []),
        ContactsController,
        BulkController,
        ImportsController,
        ExportsController,
        LabelsController,
        ExtendedFieldsController,
        WebhooksController,
        EventsController,
        EmailSubscriptionsController,
        UnsubscribeController,
        DocsRedirectController,
      ],
      providers: [
        { provide: API_KEY_REGISTRY, useValue: new ApiKeyRegistry(options.apiKeys) },
        { provide: GATEWAY_SERVICES, useValue: options.services },
        { provide: CONTACTS_CLIENT, useValue: options.services.contacts },
        { provide: LABELS_CLIENT, useValue: options.services.labels },
        { provide: EXTENDED_FIELDS_CLIENT, useValue: options.services.extendedFields },
        { provide: WEBHOOKS_CLIENT, useValue: options.services.webhooks },
        { provide: UNSUBSCRIBE_LINKS, useValue: options.unsubscribeLinks },
        { provide: HTTP_DRAIN, useValue: options.drain ?? new HttpDrain() },
        { provide: PROCESS_METRICS, useValue: options.metrics ?? null },
        // Guards run in this order: the rate limit keys on the caller the AuthGuard authenticated.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: RATE_LIMITER, useValue: options.rateLimiter ?? null },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
