import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/**
 * Small builders for the OpenAPI 3.0 schemas of the wire shapes, so that each schema reads like
 * the TypeScript type it documents. Objects are closed (`additionalProperties: false`) unless they
 * are maps: the response-conformance test then finds any field the document does not name.
 */
export type Schema = SchemaObject | ReferenceObject;

export const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

export const string = (description?: string, extra: SchemaObject = {}): SchemaObject => ({ type: 'string', ...(description && { description }), ...extra });
export const dateTime = (description?: string): SchemaObject => string(description, { format: 'date-time', example: '2026-03-01T09:30:00.000Z' });
export const uuid = (description?: string): SchemaObject => string(description, { format: 'uuid', example: '6f1c1f5a-3f0e-4b8e-9d55-5f1d2a7c9e10' });
export const integer = (description?: string, extra: SchemaObject = {}): SchemaObject => ({ type: 'integer', ...(description && { description }), ...extra });
export const boolean = (description?: string): SchemaObject => ({ type: 'boolean', ...(description && { description }) });
/** A string that is one of `values`. */
export const enumOf = (values: readonly string[], description?: string): SchemaObject => string(description, { enum: [...values] });
export const array = (items: Schema, description?: string): SchemaObject => ({ type: 'array', items, ...(description && { description }) });
/** A JSON object whose keys are data (a map), each value of `values`. */
export const map = (values: Schema | true, description?: string): SchemaObject => ({ type: 'object', additionalProperties: values, ...(description && { description }) });
/** Any JSON value (event data, entities of several kinds). */
export const anyValue = (description?: string): SchemaObject => ({ ...(description && { description }) });

/** A closed object: `required` names the properties every instance has. */
export function object(properties: Record<string, Schema>, required: string[] = [], extra: SchemaObject = {}): SchemaObject {
  return { type: 'object', properties, ...(required.length > 0 && { required }), additionalProperties: false, ...extra };
}

/** `{ items: [...] }`, the wrapper Contacts v4 puts around repeated fields. */
export const items = (of: Schema, description?: string): SchemaObject => object({ items: array(of) }, ['items'], description ? { description } : {});
