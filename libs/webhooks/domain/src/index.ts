export * from './subscription';
export * from './delivery';
export * from './retry-schedule';
