export * from './catalog-read-model';
export * from './catalog-query';
