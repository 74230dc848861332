import { join, resolve } from 'node:path';

/** Root of the .proto sources; the gRPC loader reads them at runtime. */
export const PROTO_ROOT = resolve(__dirname, '../../../proto');

export const PROTO_FILES = {
  identity: join(PROTO_ROOT, 'portcullis/identity/v1/identity_service.proto'),
  factors: join(PROTO_ROOT, 'portcullis/factors/v1/factors_service.proto'),
  delivery: join(PROTO_ROOT, 'portcullis/delivery/v1/delivery_service.proto'),
  risk: join(PROTO_ROOT, 'portcullis/risk/v1/risk_service.proto'),
  audit: join(PROTO_ROOT, 'portcullis/audit/v1/audit_service.proto'),
  gateway: join(PROTO_ROOT, 'portcullis/gateway/v1/gateway_service.proto'),
} as const;

export const PROTO_PACKAGES = {
  identity: 'portcullis.identity.v1',
  factors: 'portcullis.factors.v1',
  delivery: 'portcullis.delivery.v1',
  risk: 'portcullis.risk.v1',
  audit: 'portcullis.audit.v1',
  gateway: 'portcullis.gateway.v1',
} as const;
