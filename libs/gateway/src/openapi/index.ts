export * from './api-operation';
export * from './document';
export { ref } from './schema-builders';
export * from './query-docs';
