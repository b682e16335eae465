export * from './catalog-providers';
