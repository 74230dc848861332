export * from './loader-options';
export * from './grpc-errors';
export * from './grpc-exception.filter';
export * from './grpc-server';
export * from './grpc-peer';
export * from './service-host';
export * from './pulled-stream';
export * from './rpc-metrics.interceptor';
