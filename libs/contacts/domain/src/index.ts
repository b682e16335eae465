export * from './contact-info';
export * from './contact-events';
export * from './contact';
export * from './identity';
export * from './limits';
export * from './normalize-info';
export * from './view';
