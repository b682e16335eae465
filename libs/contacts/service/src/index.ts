export * from './contacts-service.module';
export * from './tokens';
export * from './contacts.message-controller';
