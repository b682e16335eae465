export * from './stores';
export * from './kafka';
export * from './health-server';
export * from './service-process';
export * from './data-keys';
