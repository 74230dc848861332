export { fromTimestamp as toDate, toTimestamp } from '@portcullis/contracts';
export * from './action-details';
export * from './authentication-status';
export { PortcullisApi, type PortcullisCredentials } from './portcullis-api';
export * from './portcullis-api.types';
export { PortcullisClient, type PortcullisClientOptions, SDK_VERSION } from './portcullis-http.client';
export { PortcullisGrpcClient, type PortcullisGrpcClientOptions } from './portcullis-grpc.client';
export {
  type FieldViolation,
  isPortcullisError,
  PortcullisError,
  type PortcullisErrorInit,
  SdkErrorCodes,
} from './portcullis.errors';
export { CLI_USAGE, type CliIo, runCli } from './cli/portcullis-cli';
