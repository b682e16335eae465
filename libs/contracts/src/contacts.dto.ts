import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, buildMessage, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, Min, ValidateBy, ValidateNested, ValidationOptions } from 'class-validator';
import { schemaRef, WIRE_SCHEMAS } from './openapi-schemas';
import { RawJson } from './raw-json';
import { DEFINITION_KEY_MAX_LENGTH, DEFINITION_KEY_PATTERN, GUID_PATTERN, isDefinitionKey, isGuid } from './ids';

/**
 * HTTP request bodies of the Contacts v4 API, validated at the gateway with class-validator.
 * `info` is checked in depth by the contacts domain, which names every invalid field.
 *
 * One rule for `null`: an optional field sent as `null` is absent (as in the protobuf JSON
 * mapping Wix's API follows); a required field sent as `null` is missing, a 400. Inside `info`
 * the contacts domain gives `null` its own meaning (clear the value).
 */

export const GUID_RULE = 'a GUID: 8-4-4-4-12 hexadecimal digits';
export const DEFINITION_KEY_RULE = `a key: "<namespace>.<name>" of letters, digits, "-" and "_" parts joined by ".", at most ${DEFINITION_KEY_MAX_LENGTH} characters`;

/** Optional; `null` counts as absent. */
export function Optional(): PropertyDecorator {
  return (target, property) => {
    IsOptional()(target, property);
    Transform(({ value }) => (value === null ? undefined : value))(target, property);
  };
}

/** A contact id (or bulk job id): a GUID, as the server issues them. */
export function IsGuid(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'format', validator: { validate: isGuid, defaultMessage: buildMessage((each) => `${each}$property must be ${GUID_RULE}`, options) } }, options);
}

/** A label or extended-field key in its documented form. */
export function IsDefinitionKey(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'format', validator: { validate: isDefinitionKey, defaultMessage: buildMessage((each) => `${each}$property must be ${DEFINITION_KEY_RULE}`, options) } }, options);
}

/** OpenAPI shapes of the two id forms, so that generated clients and fuzzers know them. */
export const GUID_SCHEMA = { type: 'string', format: 'uuid', pattern: GUID_PATTERN.source } as const;
export const DEFINITION_KEY_SCHEMA = { type: 'string', pattern: DEFINITION_KEY_PATTERN.source, maxLength: DEFINITION_KEY_MAX_LENGTH } as const;

const CONTACT_INFO_SCHEMA = { allOf: [schemaRef(WIRE_SCHEMAS.contactInfoInput)] };

export const FIELDSETS = ['BASIC', 'COMMUNICATION_DETAILS', 'EXTENDED', 'FULL'] as const;

/** A contact's info as the examples of the API's document show it. */
export const CONTACT_INFO_EXAMPLE = { name: { first: 'Ada', last: 'Lovelace' }, emails: { items: [{ tag: 'WORK', email: 'ada@example.com' }] }, company: 'Analytical Engines' };

/** Examples of the Wix API Query Language, for the document's filters. */
const CONTACTS_FILTER_EXAMPLE = { 'info.labelKeys': { $hasSome: ['custom.vip'] }, createdDate: { $gte: '2026-01-01T00:00:00.000Z' } };
const SUBSCRIPTION_FILTER_EXAMPLE = { 'info.extendedFields.emailSubscriptions.subscriptionStatus': { $eq: 'SUBSCRIBED' } };

export class CreateContactBody {
  @ApiProperty({ ...CONTACT_INFO_SCHEMA, example: CONTACT_INFO_EXAMPLE })
  @IsObject()
  @RawJson()
  info!: Record<string, unknown>;

  @ApiPropertyOptional({ default: false, description: 'Create even when another contact has the same email (or phone, with no email).' })
  @Optional()
  @IsBoolean()
  allowDuplicates?: boolean;
}

export class UpdateContactBody {
  @ApiProperty({ description: "The contact's current revision; a stale one is refused with 409 REVISION_MISMATCH." })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  revision!: number;

  @ApiProperty({ ...CONTACT_INFO_SCHEMA, description: 'Each top-level key present replaces the stored one; absent keys keep theirs.', example: { company: 'Analytical Engines' } })
  @IsObject()
  @RawJson()
  info!: Record<string, unknown>;

  @ApiPropertyOptional({ default: false })
  @Optional()
  @IsBoolean()
  allowDuplicates?: boolean;

  @ApiPropertyOptional({ description: 'Repeats the path id (the SDK sends it); ignored.' })
  @Optional()
  @IsString()
  contactId?: string;
}

export class SortingDto {
  @ApiProperty()
  @IsString()
  fieldName!: string;

  @ApiPropertyOptional({ enum: ['ASC', 'DESC'], default: 'ASC' })
  @Optional()
  @IsIn(['ASC', 'DESC', 'asc', 'desc'])
  order?: string;
}

export class PagingDto {
  @ApiPropertyOptional({ default: 50, maximum: 1000 })
  @Optional()
  @IsInt()
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @Optional()
  @IsInt()
  @Min(0)
  offset?: number;
}

export class CursorPagingDto {
  @ApiPropertyOptional({ default: 50, maximum: 1000 })
  @Optional()
  @IsInt()
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 16384, description: 'pagingMetadata.cursors.next (or prev) of an earlier page; omit for the first page' })
  @Optional()
  @IsString()
  @MaxLength(16384)
  cursor?: string | null;
}

/** `{ filter, sort, paging }`, the query shape every Query endpoint takes. */
export class QueryDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Filter in the Wix API Query Language', example: CONTACTS_FILTER_EXAMPLE })
  @Optional()
  @IsObject()
  @RawJson()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [SortingDto], description: 'At most one sort field' })
  @Optional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SortingDto)
  sort?: SortingDto[];

  @ApiPropertyOptional({ type: PagingDto })
  @Optional()
  @ValidateNested()
  @Type(() => PagingDto)
  paging?: PagingDto;
}

export class ContactsQueryDto extends QueryDto {
  @ApiPropertyOptional({ type: CursorPagingDto, description: 'Cursor paging instead of paging: a cursor carries its query, so it cannot be combined with filter, sort or search' })
  @Optional()
  @ValidateNested()
  @Type(() => CursorPagingDto)
  cursorPaging?: CursorPagingDto;

  @ApiPropertyOptional({ enum: FIELDSETS, isArray: true })
  @Optional()
  @IsArray()
  @IsIn(FIELDSETS, { each: true })
  fieldsets?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Optional()
  @IsArray()
  @IsString({ each: true })
  fields?: string[];
}

/** Accepts `{ query: { filter, sort, paging } }` and the same keys at the top level. */
export class QueryContactsBody extends ContactsQueryDto {
  @ApiPropertyOptional({ type: ContactsQueryDto })
  @Optional()
  @ValidateNested()
  @Type(() => ContactsQueryDto)
  query?: ContactsQueryDto;

  @ApiPropertyOptional({ maxLength: 100, description: 'Free text, ANDed with the filter: every word starts a word of the names, emails, company or job title (any case, accents aside), or a phone number in any format' })
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class PreviewMergeBody {
  @ApiProperty({ type: 'array', items: GUID_SCHEMA, minItems: 1, maxItems: 5, description: 'Contact ids (GUIDs); the first listed has the highest precedence' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsGuid({ each: true })
  sourceContactIds!: string[];

  @ApiPropertyOptional({ description: 'Repeats the path id (the SDK sends it); ignored' })
  @Optional()
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

class FacetsFilterDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: SUBSCRIPTION_FILTER_EXAMPLE })
  @Optional()
  @IsObject()
  @RawJson()
  filter?: Record<string, unknown>;
}

export class FacetsQueryBody {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Only emailSubscriptions filters (API.md §3.10)', example: SUBSCRIPTION_FILTER_EXAMPLE })
  @Optional()
  @IsObject()
  @RawJson()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ type: PagingDto })
  @Optional()
  @ValidateNested()
  @Type(() => PagingDto)
  paging?: PagingDto;

  @ApiPropertyOptional({ type: FacetsFilterDto, description: 'Accepted as { query: { filter } } too' })
  @Optional()
  @ValidateNested()
  @Type(() => FacetsFilterDto)
  query?: FacetsFilterDto;

  @ApiPropertyOptional()
  @Optional()
  @IsString()
  language?: string;
}

export class BulkByFilterBody {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Query Contacts filter; give a filter, a search or both', example: CONTACTS_FILTER_EXAMPLE })
  @Optional()
  @IsObject()
  @RawJson()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 100 })
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class CreateExportBody {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Query Contacts filter; absent: every contact', example: CONTACTS_FILTER_EXAMPLE })
  @Optional()
  @IsObject()
  @RawJson()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 100 })
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @ApiPropertyOptional({ enum: ['CSV', 'JSONL'], default: 'CSV', description: 'CSV: the columns an import reads back; JSONL: each contact as Get Contact answers it' })
  @Optional()
  @IsIn(['CSV', 'JSONL'])
  format?: 'CSV' | 'JSONL';
}

export class BulkUpdateBody extends BulkByFilterBody {
  @ApiProperty({ ...CONTACT_INFO_SCHEMA, description: 'Each top-level key replaces the stored one on every matching contact', example: { company: 'Analytical Engines' } })
  @IsObject()
  @RawJson()
  info!: Record<string, unknown>;
}

export class BulkLabelsBody extends BulkByFilterBody {
  @ApiPropertyOptional({ type: 'array', items: DEFINITION_KEY_SCHEMA })
  @Optional()
  @IsArray()
  @IsDefinitionKey({ each: true })
  labelKeysToAdd?: string[];

  @ApiPropertyOptional({ type: 'array', items: DEFINITION_KEY_SCHEMA })
  @Optional()
  @IsArray()
  @IsDefinitionKey({ each: true })
  labelKeysToRemove?: string[];
}
