import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, ValidateNested } from 'class-validator';
import { QueryDto } from './contacts.dto';

export class FindOrCreateLabelBody {
  @ApiProperty({ maxLength: 180 })
  @IsString()
  displayName!: string;

  @ApiPropertyOptional({ description: 'ISO-639-1 language of the display name' })
  @IsOptional()
  @IsString()
  language?: string;
}

export class FindOrCreateExtendedFieldBody {
  @ApiProperty({ maxLength: 180 })
  @IsString()
  displayName!: string;

  @ApiPropertyOptional({ enum: ['TEXT', 'NUMBER', 'DATE', 'URL'], description: 'Required to create; ignored when a field with this name exists' })
  @IsOptional()
  @IsIn(['TEXT', 'NUMBER', 'DATE', 'URL'])
  dataType?: string;
}

class DisplayNameDto {
  @ApiProperty()
  @IsString()
  displayName!: string;

  @ApiPropertyOptional({ description: 'Repeats the path key (the SDK sends it); ignored' })
  @IsOptional()
  @IsString()
  key?: string;
}

export class RenameLabelBody {
  @ApiProperty({ type: DisplayNameDto })
  @ValidateNested()
  @Type(() => DisplayNameDto)
  label!: DisplayNameDto;
}

export class RenameExtendedFieldBody {
  @ApiProperty({ type: DisplayNameDto })
  @ValidateNested()
  @Type(() => DisplayNameDto)
  field!: DisplayNameDto;
}

export class CatalogQueryDto extends QueryDto {}

export class CatalogQueryBody extends CatalogQueryDto {
  @ApiPropertyOptional({ type: CatalogQueryDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CatalogQueryDto)
  query?: CatalogQueryDto;
}

export class LabelKeysBody {
  @ApiPropertyOptional({ type: [String], description: 'Label keys; they must exist (Find Or Create Label)' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  labelKeys?: string[];

  @ApiPropertyOptional({ description: 'Repeats the path id (the SDK sends it); ignored' })
  @IsOptional()
  @IsString()
  contactId?: string;
}
