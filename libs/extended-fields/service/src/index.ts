export * from './extended-fields-service.module';
export * from './extended-fields-spec';
export * from './extended-fields.message-controller';
