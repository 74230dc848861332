export * from './redaction';
export * from './logger';
export * from './nest-logger';
export * from './trace-context';
export * from './telemetry';
export * from './logger.provider';
export * from './file-span-exporter';
export * from './producer-span';
