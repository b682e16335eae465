export * from './field-catalog';
export * from './field-decider';
export * from './field-values';
export * from './system-fields';
