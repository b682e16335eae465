export * from './in-process-broker';
export * from './in-process-transport';
export * from './rpc-error.filter';
export * from './service-client';
export * from './event-relay';
export * from './stream-state-cache';
export * from './health';
export * from './serialized-reply';
