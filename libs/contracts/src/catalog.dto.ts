import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsObject, IsString, ValidateNested } from 'class-validator';
import { DEFINITION_KEY_SCHEMA, IsDefinitionKey, Optional, QueryDto } from './contacts.dto';

export class FindOrCreateLabelBody {
  @ApiProperty({ maxLength: 180 })
  @IsString()
  displayName!: string;

  @ApiPropertyOptional({ description: 'ISO-639-1 language of the display name' })
  @Optional()
  @IsString()
  language?: string;
}

export class FindOrCreateExtendedFieldBody {
  @ApiProperty({ maxLength: 180 })
  @IsString()
  displayName!: string;

  @ApiPropertyOptional({ enum: ['TEXT', 'NUMBER', 'DATE', 'URL'], description: 'Required to create; ignored when a field with this name exists' })
  @Optional()
  @IsIn(['TEXT', 'NUMBER', 'DATE', 'URL'])
  dataType?: string;
}

class DisplayNameDto {
  @ApiProperty()
  @IsString()
  displayName!: string;

  @ApiPropertyOptional({ description: 'Repeats the path key (the SDK sends it); ignored' })
  @Optional()
  @IsString()
  key?: string;
}

export class RenameLabelBody {
  @ApiProperty({ type: DisplayNameDto })
  @IsObject()
  @ValidateNested()
  @Type(() => DisplayNameDto)
  label!: DisplayNameDto;
}

export class RenameExtendedFieldBody {
  @ApiProperty({ type: DisplayNameDto })
  @IsObject()
  @ValidateNested()
  @Type(() => DisplayNameDto)
  field!: DisplayNameDto;
}

export class CatalogQueryDto extends QueryDto {}

export class CatalogQueryBody extends CatalogQueryDto {
  @ApiPropertyOptional({ type: CatalogQueryDto })
  @Optional()
  @ValidateNested()
  @Type(() => CatalogQueryDto)
  query?: CatalogQueryDto;
}

export class LabelKeysBody {
  @ApiPropertyOptional({ type: 'array', items: DEFINITION_KEY_SCHEMA, description: 'Label keys; they must exist (Find Or Create Label)' })
  @Optional()
  @IsArray()
  @IsDefinitionKey({ each: true })
  labelKeys?: string[];

  @ApiPropertyOptional({ description: 'Repeats the path id (the SDK sends it); ignored' })
  @Optional()
  @IsString()
  contactId?: string;
}
