export * from './catalog-spec';
export * from './catalog-repository';
export * from './catalog-read-model';
export * from './catalog-projection';
export * from './catalog-integration';
export * from './catalog-public-events';
export * from './catalog-service';
