export * from './config-error';
export * from './env-doc';
export * from './variables';
export * from './read-env';
export * from './writable-directory';
export * from './listen';
export * from './run-main';
export * from './env-example';
