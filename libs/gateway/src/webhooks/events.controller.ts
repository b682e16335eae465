import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiQueryParam, Operation } from '../openapi';
import { PUBLIC_EVENT_TYPES, RequestContext, WebhooksPatterns } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { ServiceClient } from '@cp/messaging';
import { Caller, RequirePermission } from '../auth/decorators';
import { listParam, QueryParams, single } from '../http/query-params';
import { WEBHOOKS_CLIENT } from '../service-clients';

/** A long poll answers within this, inside the webhooks client's deadline. */
export const FEED_WAIT_LIMIT_MS = 20_000;
const FEED_MAX_LIMIT = 1000;

/** The change feed: the site's public events in commit order, by cursor, deletes and merges included. */
@ApiTags('Events')
@Controller(['events/v1', '_api/events/v1'])
export class EventsController {
  constructor(@Inject(WEBHOOKS_CLIENT) private readonly webhooks: ServiceClient) {}

  @Get('events')
  @RequirePermission('EVENTS.READ')
  @ApiQueryParam('cursor', { type: 'string' }, 'nextCursor of the previous page; absent: from the start')
  @ApiQueryParam('limit', { type: 'integer', minimum: 1, maximum: FEED_MAX_LIMIT }, 'default 100')
  @ApiQueryParam('eventTypes', { type: 'array', items: { type: 'string', enum: [...PUBLIC_EVENT_TYPES] } })
  @ApiQueryParam('waitMs', { type: 'integer', minimum: 0, maximum: FEED_WAIT_LIMIT_MS }, 'Long poll: wait up to this long when there is nothing new')
  @Operation({
    id: 'listEvents',
    answer: 'EventsPage',
    summary: 'List Events',
    description: `Query params cursor (from a previous nextCursor; absent: from the start), limit (default 100, max ${FEED_MAX_LIMIT}), eventTypes (comma-separated), waitMs (long poll up to ${FEED_WAIT_LIMIT_MS} ms when there is nothing new). The same event ids as the webhooks.`,
  })
  list(@Caller() context: RequestContext, @Query() params: QueryParams) {
    const payload = {
      cursor: single(params, 'cursor'),
      limit: integer(single(params, 'limit'), 'limit', 1, FEED_MAX_LIMIT),
      eventTypes: listParam(params, 'eventTypes'),
      waitMs: integer(single(params, 'waitMs'), 'waitMs', 0, FEED_WAIT_LIMIT_MS),
    };
    return this.webhooks.forward(WebhooksPatterns.feed, { context, payload });
  }
}

function integer(raw: string | undefined, field: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw AppError.invalidField(field, `must be an integer from ${min} to ${max}`, 'VALUE');
  return value;
}
