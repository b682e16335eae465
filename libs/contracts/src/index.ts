export * from './request-context';
export * from './patterns';
export * from './contacts.messages';
export * from './contacts.dto';
