export * from './extended-fields-service.module';
export * from './extended-fields.message-controller';
export { FIELDS_READ_MODEL_VERSION } from './fields-projection';
