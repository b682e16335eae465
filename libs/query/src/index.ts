export * from './field-table';
export * from './translate';
export * from './projection';
