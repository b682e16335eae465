export * from './event-store.port';
export * from './in-memory-event-store';
export * from './sqlite-event-store';
export * from './eventstoredb-event-store';
export * from './time-slice';
export * from './command-handler';
export * from './domain-events';
export * from './observed-appends';
