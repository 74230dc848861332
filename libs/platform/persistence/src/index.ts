export * from './ambient-transaction';
export * from './change-listener';
export * from './database';
export * from './pg-errors';
export * from './persistence.providers';
export * from './query-rows';
