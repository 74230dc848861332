export * from './event-schemas';
export * from './docs';
export * from './cloud-event';
export * from './example-payload';
