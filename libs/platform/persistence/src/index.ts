export * from './database';
export * from './pg-errors';
export * from './persistence.providers';
