export * from './contacts-service.module';
export * from './tokens';
