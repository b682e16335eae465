export * from './extended-fields-service.module';
export * from './extended-fields-spec';
