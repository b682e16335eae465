export * from './extended-fields-service.module';
export * from './extended-fields.message-controller';
