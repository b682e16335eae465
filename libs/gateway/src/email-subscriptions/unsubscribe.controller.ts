import { Controller, Get, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ContactsPatterns, RequestContext } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Public } from '../auth/decorators';
import { CONTACTS_CLIENT } from '../service-clients';
import { UNSUBSCRIBE_LINKS } from './tokens';
import { UNSUBSCRIBE_PATH, UnsubscribeLinks } from './unsubscribe-links';
import { confirmPage, donePage, refusedPage, UNSUBSCRIBE_PAGE_HEADERS, UnsubscribePage, unavailablePage } from './unsubscribe-page';

/** The headers a sender puts on marketing mail so that mail clients offer one-click unsubscribe (RFC 2369, RFC 8058). */
export function listUnsubscribeHeaders(link: string): { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': string } {
  return { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** The recipient, with no key: their change reaches webhooks as an anonymous visitor's. */
const ACTOR: RequestContext['actor'] = { type: 'VISITOR', id: 'unsubscribe-link' };

/** What each of its answers is: a page for the recipient (a status and a message), never JSON. */
const HTML_PAGE = { type: 'string', description: 'An HTML page' } as const;

/**
 * Where an unsubscribe link leads. The token is the only credential: no API key, and no rate
 * limit (public routes have none). A request costs one HMAC check, and only a valid token
 * reaches the contacts service, for its one address; repeating it changes nothing more.
 */
@ApiTags('Email Subscriptions')
@Public()
@Controller([UNSUBSCRIBE_PATH, `_api/${UNSUBSCRIBE_PATH}`])
export class UnsubscribeController {
  private readonly logger = new Logger('Unsubscribe');

  constructor(
    @Inject(CONTACTS_CLIENT) private readonly contacts: ServiceClient,
    @Inject(UNSUBSCRIBE_LINKS) private readonly links: UnsubscribeLinks,
  ) {}

  /** Changes nothing: mail scanners and link previews fetch GETs, so only the button's POST unsubscribes. */
  @Get()
  @ApiOperation({ operationId: 'getUnsubscribePage', summary: 'Unsubscribe page', description: 'The page an unsubscribe link opens: one button that POSTs to the same URL. Changes nothing by itself.' })
  @ApiQuery({ name: 'token', type: String, required: false, description: 'The signed token of the link' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'The page with the Unsubscribe button', schema: HTML_PAGE })
  @ApiResponse({ status: 400, description: 'The token is missing, altered or not ours', schema: HTML_PAGE })
  @ApiResponse({ status: 410, description: 'The link has expired', schema: HTML_PAGE })
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const token = tokenOf(request);
    const target = await this.links.verify(token);
    send(reply, typeof target === 'string' ? refusedPage(target) : confirmPage(target.email, token));
  }

  /** The page's button (an empty form) and RFC 8058 one-click (`List-Unsubscribe=One-Click`): the body only ever matters for a `token` field. */
  @Post()
  @ApiOperation({ operationId: 'unsubscribe', summary: 'Unsubscribe', description: 'Sets the address of the link UNSUBSCRIBED (idempotent). What the page\'s button and RFC 8058 one-click send: a form body, or none.' })
  @ApiQuery({ name: 'token', type: String, required: false, description: 'The signed token of the link (or a `token` form field)' })
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'Unsubscribed', schema: HTML_PAGE })
  @ApiResponse({ status: 400, description: 'The token is missing, altered or not ours; nothing changed', schema: HTML_PAGE })
  @ApiResponse({ status: 410, description: 'The link has expired; nothing changed', schema: HTML_PAGE })
  @ApiResponse({ status: 503, description: 'The contacts service did not record it; nothing changed, try again', schema: HTML_PAGE })
  async unsubscribe(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const token = tokenOf(request);
    const target = await this.links.verify(token);
    if (typeof target === 'string') return send(reply, refusedPage(target));
    const context: RequestContext = { siteId: target.siteId, actor: ACTOR, correlationId: request.id };
    try {
      await this.contacts.send(ContactsPatterns.upsertEmailSubscription, { context, payload: { subscription: { email: target.email, subscriptionStatus: 'UNSUBSCRIBED' } } });
    } catch (error) {
      // Whatever the service answered, the recipient can only try again. The address stays out of the log.
      this.logger.warn(`unsubscribe for site ${target.siteId} failed (request ${request.id}): ${error instanceof Error ? error.message : String(error)}`);
      return send(reply, unavailablePage(token));
    }
    send(reply, donePage(target.email));
  }
}

/** From the query string, as the link has it, else from a `token` form field; '' (refused as INVALID) when neither is one string. */
function tokenOf(request: FastifyRequest): string {
  const query = request.query as Record<string, unknown> | undefined;
  const body = request.body as Record<string, unknown> | null | undefined;
  const token = query?.token ?? (typeof body === 'object' ? body?.token : undefined);
  return typeof token === 'string' ? token : '';
}

function send(reply: FastifyReply, page: UnsubscribePage): void {
  void reply.code(page.status).headers(UNSUBSCRIBE_PAGE_HEADERS).send(page.html);
}
