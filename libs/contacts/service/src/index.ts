export * from './contacts-service.module';
export * from './tokens';
export * from './contacts.message-controller';
export { CONTACTS_READ_MODEL_VERSION } from '@cp/contacts-application';
