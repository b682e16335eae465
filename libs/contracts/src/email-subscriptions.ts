import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Optional, PagingDto } from './contacts.dto';
import { schemaRef, WIRE_SCHEMAS } from './openapi-schemas';
import { RawJson } from './raw-json';

/**
 * Email Subscriptions, wire-compatible with Wix's (`@wix/email-subscriptions`): one subscription
 * per (site, email address, compared case-insensitively), whether or not a contact has it.
 */
/** The EmailSubscription object of the API (REST names; the statuses are the contacts domain's). */
export interface EmailSubscriptionView {
  id: string;
  email: string;
  subscriptionStatus: string;
  deliverabilityStatus: string;
  createdDate: string;
  updatedDate: string;
}

/** Items as the caller sent them: each one is checked on its own, so one bad item of a bulk upsert fails alone. */
export interface UpsertEmailSubscriptionPayload {
  subscription: unknown;
}

export interface BulkUpsertEmailSubscriptionsPayload {
  subscriptions: unknown[];
}

export interface QueryEmailSubscriptionsPayload {
  filter?: Record<string, unknown>;
  paging?: { limit?: number | string; offset?: number | string };
}

export interface BulkUpsertEmailSubscriptionResult {
  originalIndex: number;
  emailSubscription?: EmailSubscriptionView;
  error?: { errorCode: string; message: string };
}

export interface BulkUpsertEmailSubscriptionsResponse {
  results: BulkUpsertEmailSubscriptionResult[];
  metadata: { totalSuccess: number; totalFailure: number };
}

/** Most items one Bulk Upsert takes. */
export const BULK_UPSERT_MAX_ITEMS = 100;

export class UpsertEmailSubscriptionBody {
  @ApiProperty({
    allOf: [schemaRef(WIRE_SCHEMAS.emailSubscriptionInput)],
    description: 'The email address (required) and the statuses to set; a status left out keeps its current value (NOT_SET for a new address)',
  })
  @IsObject()
  @RawJson()
  subscription!: Record<string, unknown>;
}

export class BulkUpsertEmailSubscriptionsBody {
  @ApiProperty({
    type: 'array',
    items: schemaRef(WIRE_SCHEMAS.emailSubscriptionInput),
    minItems: 1,
    maxItems: BULK_UPSERT_MAX_ITEMS,
    description: 'Each item as in Upsert; an invalid item fails alone, in `results[].error`',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_UPSERT_MAX_ITEMS)
  @IsObject({ each: true })
  @RawJson()
  subscriptions!: Record<string, unknown>[];
}


export class QueryEmailSubscriptionsBody {
  @ApiPropertyOptional({ description: 'Only `email` with `$in` (as Wix); `{}` or none lists every subscription of the site', example: { email: { $in: ['ada@example.com'] } } })
  @Optional()
  @IsObject()
  @RawJson()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ type: PagingDto, description: 'Offset paging: limit default 100, at most 1000', example: { limit: 100, offset: 0 } })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => PagingDto)
  paging?: PagingDto;
}

export class GenerateUnsubscribeLinkBody {
  @ApiProperty({ description: 'The address the link unsubscribes', maxLength: 254 })
  @IsString()
  @MaxLength(254)
  emailAddress!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Kept for compatibility; not used', example: { campaign: 'spring' } })
  @Optional()
  @IsObject()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Kept for compatibility: the page is in English' })
  @Optional()
  @IsString()
  language?: string;
}
