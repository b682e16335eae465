import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsObject, IsString, ValidateNested } from 'class-validator';
import { Optional } from './contacts.dto';
import { PUBLIC_EVENT_TYPES } from './public-events';

const FORMATS = ['WIX_JWT', 'STANDARD_WEBHOOKS'];
const STATUSES = ['ACTIVE', 'PAUSED'];

export class SubscriptionInput {
  @ApiPropertyOptional({ description: 'http(s) URL the events are POSTed to; private and loopback addresses are refused', maxLength: 2048 })
  @Optional()
  @IsString()
  url?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...PUBLIC_EVENT_TYPES] } })
  @Optional()
  @IsArray()
  @IsString({ each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ enum: FORMATS, description: 'WIX_JWT (default): the body is a JWT as Wix sends it; STANDARD_WEBHOOKS: JSON with webhook-id/-timestamp/-signature headers. Cannot change.' })
  @Optional()
  @IsIn(FORMATS)
  format?: string;

  @ApiPropertyOptional({ description: 'Leave out events caused by the API key that owns the subscription (no sync loops)' })
  @Optional()
  @IsBoolean()
  excludeOwnChanges?: boolean;

  @ApiPropertyOptional({ enum: STATUSES, description: 'Update only: PAUSED holds deliveries until ACTIVE again' })
  @Optional()
  @IsIn(STATUSES)
  status?: string;
}

export class SubscriptionBody {
  @ApiProperty({ type: SubscriptionInput })
  @IsObject()
  @ValidateNested()
  @Type(() => SubscriptionInput)
  subscription!: SubscriptionInput;
}

export class ReplayBody {
  @ApiProperty({ description: 'ISO-8601 date-time: the site\'s events from then on are delivered again' })
  @IsString()
  fromDate!: string;
}
