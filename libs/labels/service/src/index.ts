export * from './labels-service.module';
export * from './labels.message-controller';
