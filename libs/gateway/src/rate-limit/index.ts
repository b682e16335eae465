export * from './rate-limit-config';
export * from './rate-limit-store';
export * from './memory-rate-limit-store';
export * from './redis-rate-limit-store';
export * from './rate-limiter';
export * from './token-bucket';
