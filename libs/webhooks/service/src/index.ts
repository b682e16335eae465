export * from './webhooks-service.module';
export * from './webhooks.message-controller';
export * from './webhooks-config';
export { loadSigningKeys, type SigningKeys } from '@cp/webhooks-delivery';
export { WEBHOOKS_READ_MODEL_VERSION } from '@cp/webhooks-application';
