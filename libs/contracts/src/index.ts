export * as identityV1 from './gen/portcullis/identity/v1/identity_service.pb';
export * as auditV1 from './gen/portcullis/audit/v1/audit_service.pb';
export * as gatewayV1 from './gen/portcullis/gateway/v1/gateway_service.pb';
export * as identityEventsV1 from './gen/portcullis/events/identity/v1/identity_events.pb';
export type { Timestamp } from './gen/google/protobuf/timestamp.pb';
export * from './topics';
export * from './events';
export * from './proto-files';
export * from './timestamps';
