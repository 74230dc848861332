export * from './domain-error';
export * from './error-codes';
export * from './validation';
export * from './problem';
export * from './transient';
