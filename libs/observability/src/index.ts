export * from './logging/log-settings';
export * from './logging/logger';
export * from './logging/nest-logger';
export * from './logging/notice-box';
export * from './metrics/process-metrics';
export * from './metrics/metrics-variables';
