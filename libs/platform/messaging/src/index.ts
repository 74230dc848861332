export * from './kafka';
export * from './fault-points';
export * from './messaging-tables.migration';
export * from './outbox-writer';
export * from './outbox-relay';
export * from './event-consumer';
export * from './messaging.providers';
export * from './polling-loop';
