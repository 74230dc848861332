import type { z } from 'zod';
import {
  authenticationRefSchema,
  deviceTokenRefSchema,
  introspectAssertionSchema,
  lockUserSchema,
  setAuthPolicySchema,
  setPasswordSchema,
  setRiskPolicySchema,
  startAuthenticationChallengeSchema,
  startAuthenticationSchema,
  startPasswordlessSchema,
  startStepUpSchema,
  tenantRefSchema,
  userRefSchema,
  verifyAuthenticationSchema,
} from '../api/flow.schemas';
import {
  activateFactorSchema,
  beginFactorEnrollmentSchema,
  createTenantSchema,
  createUserSchema,
  exportAuditEventsSchema,
  getFactorPolicySchema,
  getKpiSettingsSchema,
  getMfaKpisSchema,
  getUserSchema,
  listAuditEventsSchema,
  listFactorsSchema,
  removeFactorSchema,
  resetFactorsSchema,
  setFactorPolicySchema,
  setKpiSettingsSchema,
  startChallengeSchema,
  updateFactorSchema,
  verifyAuditLogSchema,
  verifyChallengeSchema,
} from '../api/gateway.schemas';
import { createApiKeySchema, listApiKeysSchema, revokeApiKeySchema } from '../auth/api-key.schemas';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: the scope the controller passes to `Authorizer.authorize`, or none. */
export type RouteScope = 'operator' | 'admin' | 'runtime' | 'public';

export const TAGS = {
  tenants: 'Tenants: the products that integrate Portcullis. Created by the platform operator.',
  'api-keys':
    "A tenant's API keys. Rotation: create a new key, switch the backend to it, revoke the old one.",
  users: 'Customer users of a tenant: creation, look-up, password and lock state.',
  factors: "A user's factors (enrolment, activation, changes, removal, admin reset) and their challenges.",
  authentications:
    'Sign-ins, step-ups for sensitive actions and passwordless sign-ins: start, challenge, verify.',
  assertions: 'Signed MFA assertions: the public keys that verify them, and introspection.',
  devices: "A user's remembered devices (remember-this-device tokens).",
  policies: "A tenant's factor policy, sign-in policy and risk policy.",
  audit: "A tenant's hash-chained audit log: filtered pages, the NDJSON export, the chain check.",
  kpis: "A tenant's MFA KPIs (adoption, challenges, delivery, risk, ROI) and the settings of the ROI.",
  health: 'Liveness and readiness of the gateway.',
  documentation: 'This document and its interactive explorer.',
} as const;

export type RouteTag = keyof typeof TAGS;

/** A header a controller reads into one property of the schema it parses. */
export interface HeaderInput {
  readonly name: 'X-End-User-IP' | 'X-MFA-Proof';
  readonly property: string;
  readonly description: string;
}

export type RouteResponse =
  /** A proto message (full name), in proto3 JSON. */
  | { readonly proto: string }
  /** A hand-written schema of the document's components. */
  | { readonly component: string }
  | { readonly html: true }
  /** Newline-delimited JSON (application/x-ndjson), streamed: each line this proto message in proto3 JSON. */
  | { readonly ndjson: string }
  /** No body (204). */
  | { readonly none: true };

/**
 * One HTTP route of the gateway, as the OpenAPI document describes it. The controllers stay the
 * source of truth: the spec next to this file checks every route of every controller against this
 * list (method, path, success status, scope), so a route added without its entry fails the tests.
 */
export interface RouteDoc {
  readonly method: HttpMethod;
  /** OpenAPI path template, e.g. `/v1/users/{userId}`. */
  readonly path: string;
  readonly tag: RouteTag;
  readonly scope: RouteScope;
  /** The success status: the handler's `@HttpCode`, else Nest's default (201 for POST, 200 otherwise). */
  readonly status: number;
  /**
   * The GatewayService RPC this route is the HTTP form of: the operationId (lowerCamelCase), the
   * summary and description (its proto comment) and the response (its response message) come from it.
   */
  readonly rpc?: string;
  readonly operationId?: string;
  readonly summary?: string;
  /** Added after the RPC's own description: what differs over HTTP. */
  readonly description?: string;
  /**
   * The zod schema the controller parses. Its properties named in the path are path parameters,
   * those read from headers are header parameters, the others are the body's (POST, PUT, PATCH) or
   * the query's (GET, DELETE).
   */
  readonly input?: z.core.$ZodType;
  readonly headers?: readonly HeaderInput[];
  /** Properties the HTTP edge accepts but ignores (the gRPC loader's oneof markers). */
  readonly omit?: readonly string[];
  /** Properties documented by a proto message (full name) rather than by their zod schema. */
  readonly protoProperties?: Readonly<Record<string, string>>;
  /** The body is this proto message (full name) itself, not the schema's remaining properties. */
  readonly protoBody?: string;
  /** Exactly one of these body properties must be given. */
  readonly exactlyOne?: readonly string[];
  /** Default: the RPC's response message. */
  readonly response?: RouteResponse;
}

const END_USER_IP: HeaderInput = {
  name: 'X-End-User-IP',
  property: 'clientIp',
  description:
    "The end user's IP address as the product backend saw it (the gateway's own peer is the backend), " +
    "for delivery's per-IP send budgets.",
};

const MFA_PROOF: HeaderInput = {
  name: 'X-MFA-Proof',
  property: 'mfaProof',
  description:
    'Id of a recently verified challenge of this user, of the same or higher strength; required once ' +
    'the user has an active factor. A header, never the URL, which access logs record.',
};

/** Every HTTP route of the gateway except the passkey demo page (GET /demo/passkeys). */
export const ROUTES: readonly RouteDoc[] = [
  // Tenants and API keys.
  {
    method: 'post',
    path: '/v1/tenants',
    tag: 'tenants',
    scope: 'operator',
    status: 201,
    rpc: 'CreateTenant',
    input: createTenantSchema.strict(),
  },
  {
    method: 'post',
    path: '/v1/tenants/{tenantId}/api-keys',
    tag: 'api-keys',
    scope: 'admin',
    status: 201,
    rpc: 'CreateApiKey',
    description: 'The answer carries `Cache-Control: no-store`.',
    input: createApiKeySchema.strict(),
  },
  {
    method: 'get',
    path: '/v1/tenants/{tenantId}/api-keys',
    tag: 'api-keys',
    scope: 'admin',
    status: 200,
    rpc: 'ListApiKeys',
    input: listApiKeysSchema,
  },
  {
    method: 'delete',
    path: '/v1/tenants/{tenantId}/api-keys/{keyId}',
    tag: 'api-keys',
    scope: 'admin',
    status: 200,
    rpc: 'RevokeApiKey',
    description: 'Repeating it changes nothing.',
    input: revokeApiKeySchema,
  },

  // Users.
  {
    method: 'post',
    path: '/v1/users',
    tag: 'users',
    scope: 'runtime',
    status: 201,
    rpc: 'CreateUser',
    input: createUserSchema.strict(),
  },
  {
    method: 'get',
    path: '/v1/users/{userId}',
    tag: 'users',
    scope: 'runtime',
    status: 200,
    rpc: 'GetUser',
    summary: 'Returns a customer user by Portcullis id',
    input: getUserSchema.options[0],
  },
  {
    method: 'get',
    path: '/v1/users',
    tag: 'users',
    scope: 'runtime',
    status: 200,
    rpc: 'GetUser',
    operationId: 'getUserByExternalId',
    summary: "Returns a customer user by the product's external id",
    input: getUserSchema.options[1],
  },
  {
    method: 'put',
    path: '/v1/users/{userId}/password',
    tag: 'users',
    scope: 'runtime',
    status: 204,
    rpc: 'SetPassword',
    input: setPasswordSchema.http,
    response: { none: true },
  },
  {
    method: 'post',
    path: '/v1/users/{userId}/lock',
    tag: 'users',
    scope: 'admin',
    status: 200,
    rpc: 'LockUser',
    input: lockUserSchema.http,
  },
  {
    method: 'post',
    path: '/v1/users/{userId}/unlock',
    tag: 'users',
    scope: 'admin',
    status: 200,
    rpc: 'UnlockUser',
    input: lockUserSchema.http,
  },

  // Factors and their challenges.
  {
    method: 'post',
    path: '/v1/users/{userId}/factors',
    tag: 'factors',
    scope: 'runtime',
    status: 201,
    rpc: 'BeginFactorEnrollment',
    input: beginFactorEnrollmentSchema.strict(),
    headers: [END_USER_IP],
  },
  {
    method: 'post',
    path: '/v1/users/{userId}/enrollments/{enrollmentId}/activate',
    tag: 'factors',
    scope: 'runtime',
    status: 200,
    rpc: 'ActivateFactor',
    input: activateFactorSchema.strict(),
  },
  {
    method: 'get',
    path: '/v1/users/{userId}/factors',
    tag: 'factors',
    scope: 'runtime',
    status: 200,
    rpc: 'ListFactors',
    input: listFactorsSchema,
  },
  {
    method: 'patch',
    path: '/v1/users/{userId}/factors/{factorId}',
    tag: 'factors',
    scope: 'runtime',
    status: 200,
    rpc: 'UpdateFactor',
    input: updateFactorSchema.strict(),
  },
  {
    method: 'delete',
    path: '/v1/users/{userId}/factors/{factorId}',
    tag: 'factors',
    scope: 'runtime',
    status: 200,
    rpc: 'RemoveFactor',
    input: removeFactorSchema,
    headers: [MFA_PROOF],
  },
  {
    method: 'post',
    path: '/v1/users/{userId}/factors/reset',
    tag: 'factors',
    scope: 'admin',
    status: 200,
    rpc: 'ResetFactors',
    input: resetFactorsSchema.strict(),
  },
  {
    method: 'post',
    path: '/v1/challenges',
    tag: 'factors',
    scope: 'runtime',
    status: 201,
    rpc: 'StartChallenge',
    input: startChallengeSchema.strict(),
    headers: [END_USER_IP],
  },
  {
    method: 'post',
    path: '/v1/challenges/{challengeId}/verify',
    tag: 'factors',
    scope: 'runtime',
    status: 200,
    rpc: 'VerifyChallenge',
    input: verifyChallengeSchema.strict(),
  },

  // Sign-in flows.
  {
    method: 'post',
    path: '/v1/authentications',
    tag: 'authentications',
    scope: 'runtime',
    status: 201,
    rpc: 'StartAuthentication',
    description: "`context.ip` (the end user's address) is also charged to the tenant's per-IP budget.",
    input: startAuthenticationSchema.http,
    omit: ['login'],
    exactlyOne: ['userId', 'externalId', 'email'],
  },
  {
    method: 'post',
    path: '/v1/step-ups',
    tag: 'authentications',
    scope: 'runtime',
    status: 201,
    rpc: 'StartStepUp',
    input: startStepUpSchema.http,
  },
  {
    method: 'post',
    path: '/v1/passwordless',
    tag: 'authentications',
    scope: 'runtime',
    status: 201,
    rpc: 'StartPasswordless',
    input: startPasswordlessSchema.http,
  },
  {
    method: 'get',
    path: '/v1/authentications/{authenticationId}',
    tag: 'authentications',
    scope: 'runtime',
    status: 200,
    rpc: 'GetAuthentication',
    input: authenticationRefSchema.http,
  },
  {
    method: 'post',
    path: '/v1/authentications/{authenticationId}/challenges',
    tag: 'authentications',
    scope: 'runtime',
    status: 201,
    rpc: 'StartAuthenticationChallenge',
    input: startAuthenticationChallengeSchema.http,
  },
  {
    method: 'post',
    path: '/v1/authentications/{authenticationId}/verify',
    tag: 'authentications',
    scope: 'runtime',
    status: 200,
    rpc: 'VerifyAuthentication',
    input: verifyAuthenticationSchema.http,
    omit: ['answer'],
    exactlyOne: ['code', 'webauthnResponseJson'],
  },

  // Assertions.
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    tag: 'assertions',
    scope: 'public',
    status: 200,
    rpc: 'GetJwks',
    description:
      'Over HTTP the answer is the JWK Set itself (gRPC returns it as a JSON string), cacheable for 5 minutes.',
    response: { component: 'JsonWebKeySet' },
  },
  {
    method: 'post',
    path: '/v1/assertions/introspect',
    tag: 'assertions',
    scope: 'runtime',
    status: 200,
    rpc: 'IntrospectAssertion',
    input: introspectAssertionSchema.http,
  },

  // Remembered devices.
  {
    method: 'get',
    path: '/v1/users/{userId}/devices',
    tag: 'devices',
    scope: 'runtime',
    status: 200,
    rpc: 'ListDeviceTokens',
    input: userRefSchema.http,
  },
  {
    method: 'delete',
    path: '/v1/users/{userId}/devices/{tokenId}',
    tag: 'devices',
    scope: 'runtime',
    status: 200,
    rpc: 'RevokeDeviceToken',
    input: deviceTokenRefSchema.http,
  },

  // Policies.
  {
    method: 'get',
    path: '/v1/tenants/{tenantId}/factor-policy',
    tag: 'policies',
    scope: 'admin',
    status: 200,
    rpc: 'GetFactorPolicy',
    input: getFactorPolicySchema,
  },
  {
    method: 'put',
    path: '/v1/tenants/{tenantId}/factor-policy',
    tag: 'policies',
    scope: 'admin',
    status: 200,
    rpc: 'SetFactorPolicy',
    description: 'The body is the FactorPolicy itself, in proto3 JSON; factors checks every field.',
    input: setFactorPolicySchema,
    protoBody: 'portcullis.factors.v1.FactorPolicy',
  },
  {
    method: 'get',
    path: '/v1/tenants/{tenantId}/auth-policy',
    tag: 'policies',
    scope: 'admin',
    status: 200,
    rpc: 'GetAuthPolicy',
    input: tenantRefSchema.http,
  },
  {
    method: 'put',
    path: '/v1/tenants/{tenantId}/auth-policy',
    tag: 'policies',
    scope: 'admin',
    status: 200,
    rpc: 'SetAuthPolicy',
    description: 'Absent fields take their defaults.',
    input: setAuthPolicySchema.http,
  },
  {
    method: 'get',
    path: '/v1/tenants/{tenantId}/risk-policy',
    tag: 'policies',
    scope: 'admin',
    status: 200,
    rpc: 'GetRiskPolicy',
    input: tenantRefSchema.http,
  },
  {
    method: 'put',
    path: '/v1/tenants/{tenantId}/risk-policy',
    tag: 'policies',
    scope: 'admin',
    status: 200,
    rpc: 'SetRiskPolicy',
    description: '`policy` is a RiskPolicy in proto3 JSON; risk checks every field.',
    input: setRiskPolicySchema.http,
    protoProperties: { policy: 'portcullis.risk.v1.RiskPolicy' },
  },

  // Audit.
  {
    method: 'get',
    path: '/v1/audit/events',
    tag: 'audit',
    scope: 'admin',
    status: 200,
    rpc: 'ListAuditEvents',
    input: listAuditEventsSchema.http,
  },
  {
    method: 'get',
    path: '/v1/tenants/{tenantId}/audit/export',
    tag: 'audit',
    scope: 'admin',
    status: 200,
    rpc: 'ExportAuditEvents',
    // The RPC comment's first clause ends inside its parenthesis "(HTTP: NDJSON)".
    summary: 'Streams every audit event matching the filters, oldest first, as NDJSON',
    description:
      'Over HTTP the answer is `application/x-ndjson`: one AuditEvent in proto3 JSON per line, written as ' +
      'audit streams them (no paging, no total). An error before the first line is an ordinary problem ' +
      'details answer; a failure midway cuts the body off without a clean end, so a client that reached ' +
      'the end of a complete body has every event. `Cache-Control: no-store`.',
    input: exportAuditEventsSchema.http,
    response: { ndjson: 'portcullis.gateway.v1.AuditEvent' },
  },
  {
    method: 'get',
    path: '/v1/tenants/{tenantId}/audit/verify',
    tag: 'audit',
    scope: 'admin',
    status: 200,
    rpc: 'VerifyAuditLog',
    input: verifyAuditLogSchema,
  },

  // KPIs.
  {
    method: 'get',
    path: '/v1/tenants/{tenantId}/kpis',
    tag: 'kpis',
    scope: 'admin',
    status: 200,
    rpc: 'GetMfaKpis',
    description:
      'The period is whole UTC days: `fromTime` inclusive, `toTime` exclusive (RFC 3339); without them, ' +
      'the last 30 days.',
    input: getMfaKpisSchema.http,
  },
  {
    method: 'get',
    path: '/v1/tenants/{tenantId}/kpi-settings',
    tag: 'kpis',
    scope: 'admin',
    status: 200,
    rpc: 'GetKpiSettings',
    input: getKpiSettingsSchema,
  },
  {
    method: 'put',
    path: '/v1/tenants/{tenantId}/kpi-settings',
    tag: 'kpis',
    scope: 'admin',
    status: 200,
    rpc: 'SetKpiSettings',
    description: 'The body is the KpiSettings itself: `{"lossValuePerTakeover", "currency"}`.',
    input: setKpiSettingsSchema.http,
  },

  // Health and documentation.
  {
    method: 'get',
    path: '/healthz',
    tag: 'health',
    scope: 'public',
    status: 200,
    operationId: 'checkHealth',
    summary: 'Liveness for load balancers and Kubernetes',
    description:
      'The gateway process serves HTTP. Its dependencies are not asked: their outages are no reason ' +
      'to restart it (see `GET /readyz`).',
    response: { component: 'HealthStatus' },
  },
  {
    method: 'get',
    path: '/readyz',
    tag: 'health',
    scope: 'public',
    status: 200,
    operationId: 'checkReadiness',
    summary: 'Readiness for load balancers',
    description:
      "200 while the gateway's database and Kafka answer its periodic checks and it is not shutting " +
      'down; otherwise 503 with `{"status": "NOT_SERVING"}` (the failing dependency is logged, not ' +
      "returned). The gateway's peer services are not part of it. gRPC: `grpc.health.v1` Check of " +
      '`portcullis.gateway.v1.GatewayService`.',
    response: { component: 'HealthStatus' },
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'documentation',
    scope: 'public',
    status: 200,
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    response: { component: 'OpenApiDocument' },
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'documentation',
    scope: 'public',
    status: 200,
    operationId: 'getApiExplorer',
    summary: 'An interactive page that shows this document and sends requests',
    description:
      'A self-contained HTML page (no external resources); the API key typed into it stays in the page.',
    response: { html: true },
  },
];
