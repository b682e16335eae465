export * from './read-store.port';
export * from './embedded-read-store';
export * from './mongo-read-store';
export * from './sqlite-read-store';
export * from './conditional-write';
