import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { DEFINITION_KEY_RULE, DEFINITION_KEY_SCHEMA, GUID_RULE, GUID_SCHEMA, isDefinitionKey, isGuid } from '@cp/contracts';
import { AppError } from '@cp/errors';

/**
 * Path ids are checked at the edge, before they reach a service or a store: a contact or bulk
 * job id must be a GUID, a label or extended-field key must have the documented key form.
 * The violation names the path parameter.
 */
@Injectable()
export class GuidParam implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!isGuid(value)) throw AppError.invalidField(metadata.data ?? 'id', `must be ${GUID_RULE}`, 'FORMAT');
    return value;
  }
}

@Injectable()
export class DefinitionKeyParam implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!isDefinitionKey(value)) throw AppError.invalidField(metadata.data ?? 'key', `must be ${DEFINITION_KEY_RULE}`, 'FORMAT');
    return value;
  }
}

/** Label keys from a query string or body: at least one, each in the key form. */
export function requireLabelKeys(keys: unknown, field = 'labelKeys'): string[] {
  if (keys !== undefined && keys !== null && !Array.isArray(keys)) throw AppError.invalidField(field, 'must be an array of label keys', 'IS_ARRAY');
  if (!keys || keys.length === 0) throw AppError.invalidField(field, 'give at least one label key', 'REQUIRED');
  if (!keys.every(isDefinitionKey)) throw AppError.invalidField(field, `each value must be ${DEFINITION_KEY_RULE}`, 'FORMAT');
  return keys;
}

/** The OpenAPI description of a GUID path parameter. */
export const ApiGuidPath = (name: string, description: string) => ApiParam({ name, description, schema: { ...GUID_SCHEMA } });

/** The OpenAPI description of a key path parameter. */
export const ApiKeyPath = (name: string, description: string) => ApiParam({ name, description, schema: { ...DEFINITION_KEY_SCHEMA } });
