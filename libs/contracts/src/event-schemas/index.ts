export * from './event-schemas';
export * from './docs';
