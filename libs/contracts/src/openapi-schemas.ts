/**
 * Names of the OpenAPI component schemas that request bodies here refer to. The gateway defines
 * them (libs/gateway/src/openapi/schemas.ts); a DTO names one with `schemaRef`, which keeps the
 * two from drifting apart silently: a test resolves every `$ref` of the document.
 */
export const WIRE_SCHEMAS = {
  contactInfoInput: 'ContactInfoInput',
  emailSubscriptionInput: 'EmailSubscriptionInput',
} as const;

export const schemaRef = (name: (typeof WIRE_SCHEMAS)[keyof typeof WIRE_SCHEMAS]) => ({ $ref: `#/components/schemas/${name}` });
