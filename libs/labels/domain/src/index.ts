export * from './label-catalog';
