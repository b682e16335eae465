export * from './request-context';
export * from './patterns';
export * from './contacts.messages';
export * from './contacts.dto';
export * from './integration-events';
export * from './catalog.messages';
export * from './catalog.dto';
export * from './ids';
