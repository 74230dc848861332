export * from './paths';
export * from './wait';
export * from './postgres';
export * from './kafka';
export * from './services';
