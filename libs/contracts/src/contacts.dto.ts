import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';

/**
 * HTTP request bodies of the Contacts v4 API, validated at the gateway with class-validator.
 * `info` is checked in depth by the contacts domain, which names every invalid field.
 */
const INFO_DESCRIPTION =
  'ContactInfo: name {first,last}, emails {items[]}, phones {items[]}, addresses {items[]}, company, jobTitle, ' +
  'birthdate (YYYY-MM-DD), locale, labelKeys {items[]}, extendedFields {items{}}, picture, locations {items[]}';

export const FIELDSETS = ['BASIC', 'COMMUNICATION_DETAILS', 'EXTENDED', 'FULL'] as const;

export class CreateContactBody {
  @ApiProperty({ type: 'object', additionalProperties: true, description: INFO_DESCRIPTION })
  @IsObject()
  info!: Record<string, unknown>;

  @ApiPropertyOptional({ default: false, description: 'Create even when another contact has the same email (or phone, with no email).' })
  @IsOptional()
  @IsBoolean()
  allowDuplicates?: boolean;
}

export class UpdateContactBody {
  @ApiProperty({ description: "The contact's current revision; a stale one is refused with 409 REVISION_MISMATCH." })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  revision!: number;

  @ApiProperty({ type: 'object', additionalProperties: true, description: `Each top-level key present replaces the stored one; absent keys keep theirs. ${INFO_DESCRIPTION}` })
  @IsObject()
  info!: Record<string, unknown>;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  allowDuplicates?: boolean;

  @ApiPropertyOptional({ description: 'Repeats the path id (the SDK sends it); ignored.' })
  @IsOptional()
  @IsString()
  contactId?: string;
}

export class SortingDto {
  @ApiProperty()
  @IsString()
  fieldName!: string;

  @ApiPropertyOptional({ enum: ['ASC', 'DESC'], default: 'ASC' })
  @IsOptional()
  @IsIn(['ASC', 'DESC', 'asc', 'desc'])
  order?: string;
}

export class PagingDto {
  @ApiPropertyOptional({ default: 50, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  offset?: number;
}

/** `{ filter, sort, paging }`, the query shape every Query endpoint takes. */
export class QueryDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Filter in the Wix API Query Language' })
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [SortingDto], description: 'At most one sort field' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SortingDto)
  sort?: SortingDto[];

  @ApiPropertyOptional({ type: PagingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PagingDto)
  paging?: PagingDto;
}

export class ContactsQueryDto extends QueryDto {
  @ApiPropertyOptional({ enum: FIELDSETS, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(FIELDSETS, { each: true })
  fieldsets?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  fields?: string[];
}

/** Accepts `{ query: { filter, sort, paging } }` and the same keys at the top level. */
export class QueryContactsBody extends ContactsQueryDto {
  @ApiPropertyOptional({ type: ContactsQueryDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactsQueryDto)
  query?: ContactsQueryDto;

  @ApiPropertyOptional({ maxLength: 100, description: 'Free text over names, emails and phones, ANDed with the filter' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class PreviewMergeBody {
  @ApiProperty({ type: [String], minItems: 1, maxItems: 5, description: 'The first listed has the highest precedence' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsString({ each: true })
  sourceContactIds!: string[];

  @ApiPropertyOptional({ description: 'Repeats the path id (the SDK sends it); ignored' })
  @IsOptional()
  @IsString()
  targetContactId?: string;
}

export class MergeContactsBody extends PreviewMergeBody {
  @ApiProperty({ description: "The target's current revision" })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  targetContactRevision!: number;
}

export class FacetsQueryBody {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Only emailSubscriptions filters (API.md §3.10)' })
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ type: PagingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PagingDto)
  paging?: PagingDto;

  @ApiPropertyOptional({ description: 'Accepted as { query: { filter } } too' })
  @IsOptional()
  @IsObject()
  query?: { filter?: Record<string, unknown> };

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  language?: string;
}

export class BulkByFilterBody {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Query Contacts filter; give a filter, a search or both' })
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class BulkUpdateBody extends BulkByFilterBody {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Each top-level key replaces the stored one on every matching contact' })
  @IsObject()
  info!: Record<string, unknown>;
}

export class BulkLabelsBody extends BulkByFilterBody {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  labelKeysToAdd?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  labelKeysToRemove?: string[];
}
