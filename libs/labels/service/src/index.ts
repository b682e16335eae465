export * from './labels-service.module';
export * from './labels.message-controller';
export { LABELS_READ_MODEL_VERSION } from './labels-projection';
export * from './labels-variables';
