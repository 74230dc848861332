export * from './database';
export * from './pg-errors';
export * from './persistence.providers';
export * from './query-rows';
