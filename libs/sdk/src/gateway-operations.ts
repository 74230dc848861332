import { auditV1, factorsV1, gatewayV1, riskV1 } from '@portcullis/contracts';
import { PortcullisError } from './portcullis.errors';

/** The generated message functions the SDK uses (ts-proto's MessageFns, which is not exported). */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Json = Record<string, unknown>;

/** Where one RPC lives on the gateway's HTTP API (apps/gateway/src/http/*.controller.ts). */
export interface HttpRoute {
  readonly method: HttpMethod;
  /** Path with its parameters already encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** JSON body (proto3 JSON of the message, less what the path, query or headers carry). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

/** One RPC of portcullis.gateway.v1.GatewayService and its HTTP route. */
export interface Operation<Req, Res, K extends keyof Res = never> {
  /** The RPC name, e.g. `CreateUser`. */
  readonly rpc: string;
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;
  /** False for the operator's CreateTenant, the only RPC without a tenant. */
  readonly tenant: boolean;
  /** Fields the gateway always sets in its answer; the SDK checks them on arrival. */
  readonly present: readonly K[];
  /** `json` is `request.toJSON(message)`: proto3 JSON without default values. */
  readonly http: (message: Req, json: Json) => HttpRoute;
}

const op = <Req, Res, K extends keyof Res = never>(spec: {
  rpc: string;
  request: MessageCodec<Req>;
  response: MessageCodec<Res>;
  tenant?: boolean;
  present?: readonly K[];
  http: (message: Req, json: Json) => HttpRoute;
}): Operation<Req, Res, K> => ({ tenant: true, present: [], ...spec });

/**
 * A route's path from its template, e.g. `/v1/users/{userId}`, each parameter taken from the
 * message and percent-encoded. An empty parameter would make another route (or none) of the
 * path, so it fails here as the gateway would have it: VALIDATION_FAILED naming the field.
 */
function pathOf(message: object, template: string): string {
  const missing: string[] = [];
  const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = (message as Record<string, unknown>)[name];
    if (typeof value === 'string' && value !== '') return encodeURIComponent(value);
    missing.push(name);
    return '';
  });
  if (missing.length > 0) {
    throw new PortcullisError({
      code: 'VALIDATION_FAILED',
      detail: `Invalid request: ${missing.map((field) => `${field}: is required`).join('; ')}`,
      violations: missing.map((field) => ({ field, description: 'is required' })),
    });
  }
  return path;
}

/** The body: the message's JSON without the fields that travel in the path, query or headers. */
function bodyOf(json: Json, ...omit: string[]): Json {
  const body = { ...json };
  for (const key of omit) delete body[key];
  return body;
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/** A Timestamp field of the request's proto3 JSON: its RFC 3339 form, as the gateway's queries take it. */
const timeOf = (json: Json, field: string) => {
  const value = json[field];
  return typeof value === 'string' ? value : undefined;
};

/** Every RPC of the gateway with its route, from the controllers in apps/gateway/src/http. */
export const GATEWAY_OPERATIONS = {
  // admin-http.controller.ts
  createTenant: op({
    rpc: 'CreateTenant',
    request: gatewayV1.CreateTenantRequest,
    response: gatewayV1.CreateTenantResponse,
    tenant: false,
    present: ['tenant'],
    http: (_m, json) => ({ method: 'POST', path: '/v1/tenants', body: json }),
  }),
  listAuditEvents: op({
    rpc: 'ListAuditEvents',
    request: gatewayV1.ListAuditEventsRequest,
    response: gatewayV1.ListAuditEventsResponse,
    http: (m, json) => ({
      method: 'GET',
      path: '/v1/audit/events',
      query: {
        tenantId: m.tenantId,
        userId: nonEmpty(m.userId),
        type: nonEmpty(m.type),
        outcome: nonEmpty(m.outcome),
        fromTime: timeOf(json, 'fromTime'),
        toTime: timeOf(json, 'toTime'),
        pageSize: m.pageSize > 0 ? String(m.pageSize) : undefined,
        pageToken: nonEmpty(m.pageToken),
      },
    }),
  }),

  // audit-http.controller.ts (the export is a stream: EXPORT_AUDIT_EVENTS below)
  verifyAuditLog: op({
    rpc: 'VerifyAuditLog',
    request: gatewayV1.VerifyAuditLogRequest,
    response: gatewayV1.VerifyAuditLogResponse,
    present: ['result'],
    http: (m) => ({ method: 'GET', path: pathOf(m, '/v1/tenants/{tenantId}/audit/verify') }),
  }),

  // kpis-http.controller.ts: the PUT body is the KpiSettings itself.
  getMfaKpis: op({
    rpc: 'GetMfaKpis',
    request: gatewayV1.GetMfaKpisRequest,
    response: gatewayV1.GetMfaKpisResponse,
    present: ['kpis'],
    http: (m, json) => ({
      method: 'GET',
      path: pathOf(m, '/v1/tenants/{tenantId}/kpis'),
      query: { fromTime: timeOf(json, 'fromTime'), toTime: timeOf(json, 'toTime') },
    }),
  }),
  getKpiSettings: op({
    rpc: 'GetKpiSettings',
    request: gatewayV1.GetKpiSettingsRequest,
    response: gatewayV1.GetKpiSettingsResponse,
    present: ['settings'],
    http: (m) => ({ method: 'GET', path: pathOf(m, '/v1/tenants/{tenantId}/kpi-settings') }),
  }),
  setKpiSettings: op({
    rpc: 'SetKpiSettings',
    request: gatewayV1.SetKpiSettingsRequest,
    response: gatewayV1.SetKpiSettingsResponse,
    present: ['settings'],
    http: (m) => ({
      method: 'PUT',
      path: pathOf(m, '/v1/tenants/{tenantId}/kpi-settings'),
      body: auditV1.KpiSettings.toJSON(m.settings ?? auditV1.KpiSettings.fromJSON({})),
    }),
  }),

  // api-keys-http.controller.ts
  createApiKey: op({
    rpc: 'CreateApiKey',
    request: gatewayV1.CreateApiKeyRequest,
    response: gatewayV1.CreateApiKeyResponse,
    present: ['key'],
    http: (m, json) => ({
      method: 'POST',
      path: pathOf(m, '/v1/tenants/{tenantId}/api-keys'),
      body: bodyOf(json, 'tenantId'),
    }),
  }),
  listApiKeys: op({
    rpc: 'ListApiKeys',
    request: gatewayV1.ListApiKeysRequest,
    response: gatewayV1.ListApiKeysResponse,
    http: (m) => ({ method: 'GET', path: pathOf(m, '/v1/tenants/{tenantId}/api-keys') }),
  }),
  revokeApiKey: op({
    rpc: 'RevokeApiKey',
    request: gatewayV1.RevokeApiKeyRequest,
    response: gatewayV1.RevokeApiKeyResponse,
    present: ['key'],
    http: (m) => ({ method: 'DELETE', path: pathOf(m, '/v1/tenants/{tenantId}/api-keys/{keyId}') }),
  }),

  // users-http.controller.ts
  createUser: op({
    rpc: 'CreateUser',
    request: gatewayV1.CreateUserRequest,
    response: gatewayV1.CreateUserResponse,
    present: ['user'],
    http: (_m, json) => ({ method: 'POST', path: '/v1/users', body: json }),
  }),
  getUser: op({
    rpc: 'GetUser',
    request: gatewayV1.GetUserRequest,
    response: gatewayV1.GetUserResponse,
    present: ['user'],
    http: (m) =>
      m.userId !== undefined
        ? { method: 'GET', path: pathOf(m, '/v1/users/{userId}'), query: { tenantId: m.tenantId } }
        : { method: 'GET', path: '/v1/users', query: { tenantId: m.tenantId, externalId: m.externalId } },
  }),

  // user-security-http.controller.ts
  setPassword: op({
    rpc: 'SetPassword',
    request: gatewayV1.SetPasswordRequest,
    response: gatewayV1.SetPasswordResponse,
    http: (m, json) => ({
      method: 'PUT',
      path: pathOf(m, '/v1/users/{userId}/password'),
      body: bodyOf(json, 'userId'),
    }),
  }),
  lockUser: op({
    rpc: 'LockUser',
    request: gatewayV1.LockUserRequest,
    response: gatewayV1.LockUserResponse,
    present: ['user'],
    http: (m, json) => ({
      method: 'POST',
      path: pathOf(m, '/v1/users/{userId}/lock'),
      body: bodyOf(json, 'userId'),
    }),
  }),
  unlockUser: op({
    rpc: 'UnlockUser',
    request: gatewayV1.UnlockUserRequest,
    response: gatewayV1.UnlockUserResponse,
    present: ['user'],
    http: (m, json) => ({
      method: 'POST',
      path: pathOf(m, '/v1/users/{userId}/unlock'),
      body: bodyOf(json, 'userId'),
    }),
  }),
  listDeviceTokens: op({
    rpc: 'ListDeviceTokens',
    request: gatewayV1.ListDeviceTokensRequest,
    response: gatewayV1.ListDeviceTokensResponse,
    http: (m) => ({
      method: 'GET',
      path: pathOf(m, '/v1/users/{userId}/devices'),
      query: { tenantId: m.tenantId },
    }),
  }),
  revokeDeviceToken: op({
    rpc: 'RevokeDeviceToken',
    request: gatewayV1.RevokeDeviceTokenRequest,
    response: gatewayV1.RevokeDeviceTokenResponse,
    present: ['token'],
    http: (m) => ({
      method: 'DELETE',
      path: pathOf(m, '/v1/users/{userId}/devices/{tokenId}'),
      query: { tenantId: m.tenantId },
    }),
  }),

  // factors-http.controller.ts
  beginFactorEnrollment: op({
    rpc: 'BeginFactorEnrollment',
    request: gatewayV1.BeginFactorEnrollmentRequest,
    response: gatewayV1.BeginFactorEnrollmentResponse,
    present: ['factor'],
    http: (m, json) => ({
      method: 'POST',
      path: pathOf(m, '/v1/users/{userId}/factors'),
      body: bodyOf(json, 'userId', 'clientIp'),
      headers: { 'x-end-user-ip': nonEmpty(m.clientIp) },
    }),
  }),
  activateFactor: op({
    rpc: 'ActivateFactor',
    request: gatewayV1.ActivateFactorRequest,
    response: gatewayV1.ActivateFactorResponse,
    present: ['factor'],
    http: (m, json) => ({
      method: 'POST',
      path: pathOf(m, '/v1/users/{userId}/enrollments/{enrollmentId}/activate'),
      body: bodyOf(json, 'userId', 'enrollmentId'),
    }),
  }),
  listFactors: op({
    rpc: 'ListFactors',
    request: gatewayV1.ListFactorsRequest,
    response: gatewayV1.ListFactorsResponse,
    http: (m) => ({
      method: 'GET',
      path: pathOf(m, '/v1/users/{userId}/factors'),
      query: { tenantId: m.tenantId, includeRemoved: m.includeRemoved ? 'true' : undefined },
    }),
  }),
  updateFactor: op({
    rpc: 'UpdateFactor',
    request: gatewayV1.UpdateFactorRequest,
    response: gatewayV1.UpdateFactorResponse,
    present: ['factor'],
    http: (m, json) => ({
      method: 'PATCH',
      path: pathOf(m, '/v1/users/{userId}/factors/{factorId}'),
      body: bodyOf(json, 'userId', 'factorId'),
    }),
  }),
  removeFactor: op({
    rpc: 'RemoveFactor',
    request: gatewayV1.RemoveFactorRequest,
    response: gatewayV1.RemoveFactorResponse,
    present: ['factor'],
    // The MFA proof travels in a header: access logs record URLs.
    http: (m) => ({
      method: 'DELETE',
      path: pathOf(m, '/v1/users/{userId}/factors/{factorId}'),
      query: { tenantId: m.tenantId },
      headers: { 'x-mfa-proof': nonEmpty(m.mfaProof) },
    }),
  }),
  resetFactors: op({
    rpc: 'ResetFactors',
    request: gatewayV1.ResetFactorsRequest,
    response: gatewayV1.ResetFactorsResponse,
    http: (m, json) => ({
      method: 'POST',
      path: pathOf(m, '/v1/users/{userId}/factors/reset'),
      body: bodyOf(json, 'userId'),
    }),
  }),

  // challenges-http.controller.ts
  startChallenge: op({
    rpc: 'StartChallenge',
    request: gatewayV1.StartChallengeRequest,
    response: gatewayV1.StartChallengeResponse,
    http: (m, json) => ({
      method: 'POST',
      path: '/v1/challenges',
      body: bodyOf(json, 'clientIp'),
      headers: { 'x-end-user-ip': nonEmpty(m.clientIp) },
    }),
  }),
  verifyChallenge: op({
    rpc: 'VerifyChallenge',
    request: gatewayV1.VerifyChallengeRequest,
    response: gatewayV1.VerifyChallengeResponse,
    http: (m, json) => ({
      method: 'POST',
      path: pathOf(m, '/v1/challenges/{challengeId}/verify'),
      body: bodyOf(json, 'challengeId'),
    }),
  }),

  // factor-policy-http.controller.ts: the PUT body is the FactorPolicy itself.
  getFactorPolicy: op({
    rpc: 'GetFactorPolicy',
    request: gatewayV1.GetFactorPolicyRequest,
    response: gatewayV1.GetFactorPolicyResponse,
    present: ['policy'],
    http: (m) => ({ method: 'GET', path: pathOf(m, '/v1/tenants/{tenantId}/factor-policy') }),
  }),
  setFactorPolicy: op({
    rpc: 'SetFactorPolicy',
    request: gatewayV1.SetFactorPolicyRequest,
    response: gatewayV1.SetFactorPolicyResponse,
    present: ['policy'],
    http: (m) => ({
      method: 'PUT',
      path: pathOf(m, '/v1/tenants/{tenantId}/factor-policy'),
      body: factorsV1.FactorPolicy.toJSON(m.policy ?? factorsV1.FactorPolicy.fromJSON({})),
    }),
  }),

  // sign-in-policies-http.controller.ts: the PUT bodies are `{ policy }`.
  getAuthPolicy: op({
    rpc: 'GetAuthPolicy',
    request: gatewayV1.GetAuthPolicyRequest,
    response: gatewayV1.GetAuthPolicyResponse,
    present: ['policy'],
    http: (m) => ({ method: 'GET', path: pathOf(m, '/v1/tenants/{tenantId}/auth-policy') }),
  }),
  setAuthPolicy: op({
    rpc: 'SetAuthPolicy',
    request: gatewayV1.SetAuthPolicyRequest,
    response: gatewayV1.SetAuthPolicyResponse,
    present: ['policy'],
    http: (m, json) => ({
      method: 'PUT',
      path: pathOf(m, '/v1/tenants/{tenantId}/auth-policy'),
      body: { policy: {}, ...bodyOf(json, 'tenantId') },
    }),
  }),
  getRiskPolicy: op({
    rpc: 'GetRiskPolicy',
    request: gatewayV1.GetRiskPolicyRequest,
    response: gatewayV1.GetRiskPolicyResponse,
    present: ['policy'],
    http: (m) => ({ method: 'GET', path: pathOf(m, '/v1/tenants/{tenantId}/risk-policy') }),
  }),
  setRiskPolicy: op({
    rpc: 'SetRiskPolicy',
    request: gatewayV1.SetRiskPolicyRequest,
    response: gatewayV1.SetRiskPolicyResponse,
    present: ['policy'],
    http: (m) => ({
      method: 'PUT',
      path: pathOf(m, '/v1/tenants/{tenantId}/risk-policy'),
      body: { policy: riskV1.RiskPolicy.toJSON(m.policy ?? riskV1.RiskPolicy.fromJSON({})) },
    }),
  }),

  // authentications-http.controller.ts
  startAuthentication: op({
    rpc: 'StartAuthentication',
    request: gatewayV1.StartAuthenticationRequest,
    response: gatewayV1.StartAuthenticationResponse,
    present: ['authentication'],
    http: (_m, json) => ({ method: 'POST', path: '/v1/authentications', body: json }),
  }),
  startStepUp: op({
    rpc: 'StartStepUp',
    request: gatewayV1.StartStepUpRequest,
    response: gatewayV1.StartStepUpResponse,
    present: ['authentication'],
    http: (_m, json) => ({ method: 'POST', path: '/v1/step-ups', body: json }),
  }),
  startPasswordless: op({
    rpc: 'StartPasswordless',
    request: gatewayV1.StartPasswordlessRequest,
    response: gatewayV1.StartPasswordlessResponse,
    present: ['authentication'],
    http: (_m, json) => ({ method: 'POST', path: '/v1/passwordless', body: json }),
  }),
  getAuthentication: op({
    rpc: 'GetAuthentication',
    request: gatewayV1.GetAuthenticationRequest,
    response: gatewayV1.GetAuthenticationResponse,
    present: ['authentication'],
    http: (m) => ({
      method: 'GET',
      path: pathOf(m, '/v1/authentications/{authenticationId}'),
      query: { tenantId: m.tenantId },
    }),
  }),
  startAuthenticationChallenge: op({
    rpc: 'StartAuthenticationChallenge',
    request: gatewayV1.StartAuthenticationChallengeRequest,
    response: gatewayV1.StartAuthenticationChallengeResponse,
    http: (m, json) => ({
      method: 'POST',
      path: pathOf(m, '/v1/authentications/{authenticationId}/challenges'),
      body: bodyOf(json, 'authenticationId'),
    }),
  }),
  verifyAuthentication: op({
    rpc: 'VerifyAuthentication',
    request: gatewayV1.VerifyAuthenticationRequest,
    response: gatewayV1.VerifyAuthenticationResponse,
    present: ['authentication'],
    http: (m, json) => ({
      method: 'POST',
      path: pathOf(m, '/v1/authentications/{authenticationId}/verify'),
      body: bodyOf(json, 'authenticationId'),
    }),
  }),

  // assertions-http.controller.ts (the JWKS is a public route of its own, see the clients)
  introspectAssertion: op({
    rpc: 'IntrospectAssertion',
    request: gatewayV1.IntrospectAssertionRequest,
    response: gatewayV1.IntrospectAssertionResponse,
    http: (_m, json) => ({ method: 'POST', path: '/v1/assertions/introspect', body: json }),
  }),
} as const;

export type GatewayOperations = typeof GATEWAY_OPERATIONS;

/**
 * A server-streaming RPC and its HTTP route, which answers newline-delimited JSON: one `item`
 * (proto3 JSON) per line, where gRPC sends one `response` message carrying it.
 */
export interface StreamOperation<Req, Res, Item> {
  readonly rpc: string;
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;
  readonly item: MessageCodec<Item>;
  /** The item a gRPC response message carries (undefined for an empty message, skipped). */
  readonly itemOf: (response: Res) => Item | undefined;
  readonly http: (message: Req, json: Json) => HttpRoute;
}

// audit-http.controller.ts
export const EXPORT_AUDIT_EVENTS: StreamOperation<
  gatewayV1.ExportAuditEventsRequest,
  gatewayV1.ExportAuditEventsResponse,
  gatewayV1.AuditEvent
> = {
  rpc: 'ExportAuditEvents',
  request: gatewayV1.ExportAuditEventsRequest,
  response: gatewayV1.ExportAuditEventsResponse,
  item: gatewayV1.AuditEvent,
  itemOf: (response) => response.event,
  http: (m, json) => ({
    method: 'GET',
    path: pathOf(m, '/v1/tenants/{tenantId}/audit/export'),
    query: {
      userId: nonEmpty(m.userId),
      type: nonEmpty(m.type),
      outcome: nonEmpty(m.outcome),
      fromTime: timeOf(json, 'fromTime'),
      toTime: timeOf(json, 'toTime'),
    },
  }),
};

/** The gRPC method path of an RPC: `/portcullis.gateway.v1.GatewayService/<Rpc>`. */
export function grpcPathOf(packageName: string, rpc: string): string {
  return `/${packageName}.${gatewayV1.GATEWAY_SERVICE_NAME}/${rpc}`;
}
