import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Operation } from '../openapi';
import type { FastifyRequest } from 'fastify';
import { isValidEmail } from '@cp/contacts-domain';
import { BulkUpsertEmailSubscriptionsBody, ContactsPatterns, GenerateUnsubscribeLinkBody, QueryEmailSubscriptionsBody, RequestContext, UpsertEmailSubscriptionBody } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { ServiceClient } from '@cp/messaging';
import { Caller, RequirePermission } from '../auth/decorators';
import { ApiGuidPath, GuidParam } from '../http/id-params';
import { CONTACTS_CLIENT } from '../service-clients';
import { UNSUBSCRIBE_LINKS } from './tokens';
import { UnsubscribeLinks } from './unsubscribe-links';

/**
 * Email Subscriptions, as Wix's `@wix/email-subscriptions` calls them: under `/email-marketing/v1`
 * (wixapis.com), the `/_api` prefix of Wix's own domains, and `/v1/email-subscriptions`, which is
 * where that SDK module sends requests for any other host (it has no mapping for them, unlike
 * the CRM modules: docs/api.md). The contacts service owns them (docs/architecture.md, "Email
 * subscriptions"); the gateway signs unsubscribe links itself.
 */
@ApiTags('Email Subscriptions')
@Controller(['email-marketing/v1/email-subscriptions', '_api/email-marketing/v1/email-subscriptions', 'v1/email-subscriptions'])
export class EmailSubscriptionsController {
  constructor(
    @Inject(CONTACTS_CLIENT) private readonly contacts: ServiceClient,
    @Inject(UNSUBSCRIBE_LINKS) private readonly links: UnsubscribeLinks,
  ) {}

  @Post('query')
  @HttpCode(200)
  @RequirePermission('EMAIL_SUBSCRIPTIONS.VIEW')
  @Operation({ id: 'queryEmailSubscriptions', answer: 'EmailSubscriptionsPage', summary: 'Query Email Subscriptions', description: 'Filter on `email` with `$in` (compared case-insensitively); `{}` lists the site\'s subscriptions, newest first. Offset paging (limit default 100, max 1000).' })
  query(@Caller() context: RequestContext, @Body() body: QueryEmailSubscriptionsBody) {
    return this.contacts.forward(ContactsPatterns.queryEmailSubscriptions, { context, payload: { filter: body.filter, paging: body.paging } });
  }

  @Post()
  @HttpCode(200)
  @RequirePermission('EMAIL_SUBSCRIPTIONS.MODIFY')
  @Operation({ id: 'upsertEmailSubscription', answer: 'UpsertEmailSubscriptionResponse', summary: 'Upsert Email Subscription', description: 'Creates the subscription of the address or sets the statuses given; answers once contacts with the address show it.' })
  upsert(@Caller() context: RequestContext, @Body() body: UpsertEmailSubscriptionBody) {
    return this.contacts.forward(ContactsPatterns.upsertEmailSubscription, { context, payload: { subscription: body.subscription } });
  }

  @Post('bulk')
  @HttpCode(200)
  @RequirePermission('EMAIL_SUBSCRIPTIONS.MODIFY')
  @Operation({ id: 'bulkUpsertEmailSubscription', answer: 'BulkUpsertEmailSubscriptionsResponse', summary: 'Bulk Upsert Email Subscriptions', description: 'Up to 100 items, each applied on its own: `results[]` in order with `originalIndex`, a failed item carries `error`; `metadata.totalSuccess/totalFailure`.' })
  bulkUpsert(@Caller() context: RequestContext, @Body() body: BulkUpsertEmailSubscriptionsBody) {
    return this.contacts.forward(ContactsPatterns.bulkUpsertEmailSubscriptions, { context, payload: { subscriptions: body.subscriptions } });
  }

  @Post('unsubscribe-link')
  @HttpCode(200)
  @RequirePermission('EMAIL_SUBSCRIPTIONS.VIEW')
  @Operation({ id: 'generateUnsubscribeLink', answer: 'UnsubscribeLinkResponse', summary: 'Generate Unsubscribe Link', description: 'A signed link (valid UNSUBSCRIBE_LINK_TTL_DAYS, default 90) to a page whose button sets the address UNSUBSCRIBED; also the RFC 8058 one-click URL (List-Unsubscribe-Post).' })
  async unsubscribeLink(@Caller() context: RequestContext, @Body() body: GenerateUnsubscribeLinkBody, @Req() request: FastifyRequest) {
    const email = body.emailAddress.trim();
    if (!isValidEmail(email)) throw AppError.invalidField('emailAddress', 'must be a valid email address', 'FORMAT');
    return { link: await this.links.link({ siteId: context.siteId, email }, `${request.protocol}://${request.host}`) };
  }

  @Get(':id')
  @RequirePermission('EMAIL_SUBSCRIPTIONS.VIEW')
  @Operation({ id: 'getEmailSubscription', answer: 'GetEmailSubscriptionResponse', errors: [404], summary: 'Get Email Subscription' })
  @ApiGuidPath('id', 'The subscription id')
  get(@Caller() context: RequestContext, @Param('id', GuidParam) id: string) {
    return this.contacts.forward(ContactsPatterns.getEmailSubscription, { context, payload: { id } });
  }
}
