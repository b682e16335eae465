export * from './label-catalog';
export * from './label-decider';
