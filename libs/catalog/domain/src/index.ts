export * from './keys';
export * from './display-name';
export * from './catalog';
