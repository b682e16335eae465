export * from './auth/api-keys';
export * from './auth/permissions';
export * from './gateway.module';
export * from './openapi';
export * from './service-clients';
export * from './http/http-error.filter';
export * from './http/http-adapter';
export * from './rate-limit';
export { FEED_WAIT_LIMIT_MS } from './webhooks/events.controller';
