import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiPagingQuery, ApiQueryParam, Operation } from '../openapi';
import { ReplayBody, RequestContext, SubscriptionBody, WebhooksPatterns } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Caller, Public, RequirePermission } from '../auth/decorators';
import { ApiGuidPath, GuidParam } from '../http/id-params';
import { QueryParams, single } from '../http/query-params';
import { WEBHOOKS_CLIENT } from '../service-clients';

/** Webhook subscriptions (our own API: Wix configures webhooks per app outside its REST API). */
@ApiTags('Webhooks')
@Controller(['webhooks/v1', '_api/webhooks/v1'])
export class WebhooksController {
  constructor(@Inject(WEBHOOKS_CLIENT) private readonly webhooks: ServiceClient) {}

  @Post('subscriptions')
  @HttpCode(200)
  @RequirePermission('WEBHOOKS.MANAGE')
  @Operation({ id: 'createWebhookSubscription', answer: 'WebhookSubscriptionResponse', errors: [409, 428], summary: 'Create Subscription', description: 'Events of the given types from now on are POSTed to the URL. STANDARD_WEBHOOKS answers the signing secret, this once.' })
  create(@Caller() context: RequestContext, @Body() body: SubscriptionBody) {
    return this.webhooks.forward(WebhooksPatterns.createSubscription, { context, payload: { subscription: body.subscription } });
  }

  @Get('subscriptions')
  @RequirePermission('WEBHOOKS.MANAGE')
  @Operation({ id: 'listWebhookSubscriptions', answer: 'WebhookSubscriptionsList', summary: 'List Subscriptions' })
  list(@Caller() context: RequestContext) {
    return this.webhooks.forward(WebhooksPatterns.listSubscriptions, { context, payload: {} });
  }

  @Get('subscriptions/:subscriptionId')
  @RequirePermission('WEBHOOKS.MANAGE')
  @Operation({ id: 'getWebhookSubscription', answer: 'WebhookSubscriptionResponse', errors: [404], summary: 'Get Subscription' })
  @ApiGuidPath('subscriptionId', 'The subscription id')
  get(@Caller() context: RequestContext, @Param('subscriptionId', GuidParam) subscriptionId: string) {
    return this.webhooks.forward(WebhooksPatterns.getSubscription, { context, payload: { subscriptionId } });
  }

  @Patch('subscriptions/:subscriptionId')
  @RequirePermission('WEBHOOKS.MANAGE')
  @Operation({ id: 'updateWebhookSubscription', answer: 'WebhookSubscriptionResponse', errors: [404], summary: 'Update Subscription', description: 'url, eventTypes, excludeOwnChanges, status (ACTIVE / PAUSED); the format cannot change.' })
  @ApiGuidPath('subscriptionId', 'The subscription id')
  update(@Caller() context: RequestContext, @Param('subscriptionId', GuidParam) subscriptionId: string, @Body() body: SubscriptionBody) {
    return this.webhooks.forward(WebhooksPatterns.updateSubscription, { context, payload: { subscriptionId, subscription: body.subscription } });
  }

  @Delete('subscriptions/:subscriptionId')
  @RequirePermission('WEBHOOKS.MANAGE')
  @Operation({ id: 'deleteWebhookSubscription', answer: 'Empty', errors: [404], summary: 'Delete Subscription', description: 'Pending deliveries to it end as FAILED ("subscription deleted").' })
  @ApiGuidPath('subscriptionId', 'The subscription id')
  delete(@Caller() context: RequestContext, @Param('subscriptionId', GuidParam) subscriptionId: string) {
    return this.webhooks.forward(WebhooksPatterns.deleteSubscription, { context, payload: { subscriptionId } });
  }

  @Post('subscriptions/:subscriptionId/replay')
  @HttpCode(200)
  @RequirePermission('WEBHOOKS.MANAGE')
  @Operation({ id: 'replayWebhookEvents', answer: 'ReplayStarted', errors: [404], summary: 'Replay', description: "Delivers the site's events from fromDate up to now again (new deliveries, marked with the replay id)." })
  @ApiGuidPath('subscriptionId', 'The subscription id')
  replay(@Caller() context: RequestContext, @Param('subscriptionId', GuidParam) subscriptionId: string, @Body() body: ReplayBody) {
    return this.webhooks.forward(WebhooksPatterns.replay, { context, payload: { subscriptionId, fromDate: body.fromDate } });
  }

  @Get('subscriptions/:subscriptionId/deliveries')
  @RequirePermission('WEBHOOKS.MANAGE')
  @ApiQueryParam('status', { type: 'string', enum: ['PENDING', 'DELIVERED', 'FAILED'] })
  @ApiPagingQuery('default 50, at most 1000')
  @Operation({ id: 'listWebhookDeliveries', answer: 'DeliveriesPage', errors: [404], summary: 'List Deliveries', description: 'Newest first. Query params status (PENDING, DELIVERED, FAILED), paging.limit (default 50, max 1000), paging.offset.' })
  @ApiGuidPath('subscriptionId', 'The subscription id')
  deliveries(@Caller() context: RequestContext, @Param('subscriptionId', GuidParam) subscriptionId: string, @Query() params: QueryParams) {
    const payload = { subscriptionId, status: single(params, 'status'), limit: single(params, 'paging.limit'), offset: single(params, 'paging.offset') };
    return this.webhooks.forward(WebhooksPatterns.listDeliveries, { context, payload });
  }

  @Post('subscriptions/:subscriptionId/deliveries/:deliveryId/redeliver')
  @HttpCode(200)
  @RequirePermission('WEBHOOKS.MANAGE')
  @Operation({ id: 'redeliverWebhook', answer: 'DeliveryResponse', errors: [404], summary: 'Redeliver', description: 'Sends a delivered or failed delivery again, with a fresh retry schedule.' })
  @ApiGuidPath('subscriptionId', 'The subscription id')
  @ApiGuidPath('deliveryId', 'The delivery id')
  redeliver(@Caller() context: RequestContext, @Param('subscriptionId', GuidParam) subscriptionId: string, @Param('deliveryId', GuidParam) deliveryId: string) {
    return this.webhooks.forward(WebhooksPatterns.redeliver, { context, payload: { subscriptionId, deliveryId } });
  }

  @Get('public-key')
  @Public()
  @Operation({ id: 'getWebhookPublicKey', answer: 'PublicKey', summary: 'Public Key', description: 'The SPKI PEM key WIX_JWT webhooks are signed with (what AppStrategy({ publicKey }) takes). No API key needed.' })
  publicKey() {
    return this.webhooks.forward(WebhooksPatterns.publicKey, {});
  }
}
