export * from './labels-service.module';
export * from './labels-spec';
export * from './labels.message-controller';
