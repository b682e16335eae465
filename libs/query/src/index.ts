export * from './field-table';
export * from './translate';
export { conjunction } from './conjunction';
export * from './projection';
export * from './filter-limits';
export { ownValue } from './own';
export * from './keyset';
export * from './cursor';
