import { PROTO_ROOT } from '@portcullis/contracts';

/**
 * How .proto files are turned into JS objects at runtime. It matches the ts-proto generation
 * options (camelCase fields, int64 as string, enums as their names), so the generated TypeScript
 * types describe exactly what handlers receive and return.
 */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

/** Error code and kind travel in trailing metadata next to the gRPC status. */
export const ERROR_METADATA = {
  code: 'portcullis-error-code',
  kind: 'portcullis-error-kind',
  details: 'portcullis-error-details',
} as const;
