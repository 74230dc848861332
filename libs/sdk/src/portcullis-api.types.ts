import type { auditV1, factorsV1, gatewayV1, riskV1, Timestamp } from '@portcullis/contracts';

/*
 * The SDK speaks the generated message types of portcullis.gateway.v1 (libs/contracts): what
 * the gateway answers is converted with the generated `fromJSON` (HTTP) or `decode` (gRPC), so
 * both clients return the very same objects. Timestamps stay `{ seconds, nanos }` (seconds is an
 * int64 as a string); `toDate()` turns one into a Date.
 */

export type Tenant = gatewayV1.Tenant;
export type User = gatewayV1.User;
export type ApiKey = gatewayV1.ApiKey;
export type AuditEvent = gatewayV1.AuditEvent;
export type Authentication = gatewayV1.Authentication;
export type Assertion = gatewayV1.Assertion;
export type DeviceToken = gatewayV1.DeviceToken;
export type DeviceTokenInfo = gatewayV1.DeviceTokenInfo;
export type ActionDetails = gatewayV1.ActionDetails;
export type ClientContext = gatewayV1.ClientContext;
export type AuthPolicy = gatewayV1.AuthPolicy;
export type Factor = factorsV1.Factor;
export type FactorPolicy = factorsV1.FactorPolicy;
export type RiskPolicy = riskV1.RiskPolicy;
/** The MFA KPIs of a period (audit's message, which the gateway's answers reuse). */
export type MfaKpis = auditV1.MfaKpis;
/** What an account takeover costs the tenant, for the ROI of its KPIs. */
export type KpiSettings = auditV1.KpiSettings;
/** The outcome of a hash-chain check: `intact`, `checked`, and the `problems` found. */
export type AuditChainReport = auditV1.VerifyAuditChainResponse;
export type { Timestamp };

type Scalar = string | number | boolean | bigint;

/** Every field optional, all the way down (what a caller writes; proto3 defaults fill the rest). */
export type DeepPartial<T> = T extends Scalar
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepPartial<U>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

/**
 * A request message as a caller writes it: `tenantId` optional (the client's default applies),
 * the fields in `R` required, the fields in `O` left out (the SDK sets them another way), every
 * other field optional.
 */
export type RequestInput<T, R extends keyof T = never, O extends keyof T = never> = {
  tenantId?: string;
} & { [P in Exclude<keyof T, 'tenantId' | R | O>]?: DeepPartial<T[P]> } & {
  [P in Exclude<R, O>]-?: DeepPartial<NonNullable<T[P]>>;
};

/** A response whose fields in `K` the gateway always sets (checked on arrival). */
export type Ensured<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> };

/** Only the tenant, e.g. to list API keys or read a policy. */
export interface TenantInput {
  tenantId?: string;
}

export type ApiKeyScope = 'admin' | 'runtime';
/** Known factor types; the gateway may accept others later, hence the open `string` member. */
export type FactorType =
  | 'totp'
  | 'webauthn'
  | 'sms_otp'
  | 'voice_otp'
  | 'email_otp'
  | 'recovery_codes'
  | (string & Record<never, never>);

/** The answer to an enrolment or a challenge: a code, or a passkey's PublicKeyCredential JSON. */
export type ProofInput =
  { code: string; webauthnResponseJson?: never } | { webauthnResponseJson: string; code?: never };

/** Who signs in: exactly one of the Portcullis user id, the product's external id, or the email. */
export type LoginInput =
  | { userId: string; externalId?: never; email?: never }
  | { externalId: string; userId?: never; email?: never }
  | { email: string; userId?: never; externalId?: never };

/** An action to approve (see `actionDetails()`): `type` required, the rest optional. */
export type ActionInput = Partial<ActionDetails> & { type: string };

export interface CreateTenantInput {
  name: string;
}
export type CreateApiKeyInput = RequestInput<gatewayV1.CreateApiKeyRequest, 'name', 'scope'> & {
  scope: ApiKeyScope;
};
export type RevokeApiKeyInput = RequestInput<gatewayV1.RevokeApiKeyRequest, 'keyId'>;

export type CreateUserInput = RequestInput<gatewayV1.CreateUserRequest, 'externalId'>;
export interface GetUserInput {
  tenantId?: string;
  userId: string;
}
export interface FindUserByExternalIdInput {
  tenantId?: string;
  externalId: string;
}
export type SetPasswordInput = RequestInput<gatewayV1.SetPasswordRequest, 'userId' | 'password'>;
export type LockUserInput = RequestInput<gatewayV1.LockUserRequest, 'userId' | 'reason'>;
export type UnlockUserInput = RequestInput<gatewayV1.UnlockUserRequest, 'userId' | 'reason'>;

/** `clientIp` travels as the `endUserIp` call option (HTTP: the X-End-User-IP header). */
export type BeginFactorEnrollmentInput = RequestInput<
  gatewayV1.BeginFactorEnrollmentRequest,
  'userId',
  'type' | 'clientIp'
> & { type: FactorType };
export type ActivateFactorInput = RequestInput<
  gatewayV1.ActivateFactorRequest,
  'userId' | 'enrollmentId',
  'proof'
> & { proof: ProofInput };
export type ListFactorsInput = RequestInput<gatewayV1.ListFactorsRequest, 'userId'>;
export type UpdateFactorInput = RequestInput<gatewayV1.UpdateFactorRequest, 'userId' | 'factorId'>;
/** `mfaProof`: the id of a recently verified challenge (HTTP: the X-MFA-Proof header). */
export type RemoveFactorInput = RequestInput<gatewayV1.RemoveFactorRequest, 'userId' | 'factorId'>;
export type ResetFactorsInput = RequestInput<gatewayV1.ResetFactorsRequest, 'userId' | 'reason'>;

export type StartAuthenticationInput = RequestInput<
  gatewayV1.StartAuthenticationRequest,
  never,
  'userId' | 'externalId' | 'email'
> &
  LoginInput;
export type StartStepUpInput = RequestInput<gatewayV1.StartStepUpRequest, 'userId', 'action'> & {
  action: ActionInput;
};
export type StartPasswordlessInput = RequestInput<gatewayV1.StartPasswordlessRequest>;
export type GetAuthenticationInput = RequestInput<gatewayV1.GetAuthenticationRequest, 'authenticationId'>;
export type StartAuthenticationChallengeInput = RequestInput<
  gatewayV1.StartAuthenticationChallengeRequest,
  'authenticationId' | 'factorId'
>;
export type VerifyAuthenticationInput = RequestInput<
  gatewayV1.VerifyAuthenticationRequest,
  'authenticationId' | 'challengeId',
  'code' | 'webauthnResponseJson'
> &
  ProofInput;
export type IntrospectAssertionInput = RequestInput<
  gatewayV1.IntrospectAssertionRequest,
  'token',
  'action'
> & {
  /** For a step-up assertion: the action it must approve. */
  action?: ActionInput;
};

export type ListDeviceTokensInput = RequestInput<gatewayV1.ListDeviceTokensRequest, 'userId'>;
export type RevokeDeviceTokenInput = RequestInput<gatewayV1.RevokeDeviceTokenRequest, 'userId' | 'tokenId'>;

export interface SetAuthPolicyInput {
  tenantId?: string;
  policy: DeepPartial<AuthPolicy>;
}
export interface SetRiskPolicyInput {
  tenantId?: string;
  policy: DeepPartial<RiskPolicy>;
}
export interface SetFactorPolicyInput {
  tenantId?: string;
  policy: DeepPartial<FactorPolicy>;
}

/** What audit records about an attempt; `none` for events that are not one. */
export type AuditOutcome = 'success' | 'failure' | 'denied' | 'challenged' | 'none';

/** A point in time: a Date, an RFC 3339 string (`2026-01-31T09:30:00Z`) or a Timestamp. */
export type TimeInput = Date | string | DeepPartial<Timestamp>;

/**
 * Which audit events: all fields optional. `type` is an event type (`identity.user.created`) or
 * a prefix ending in a dot (`factors.`); `fromTime` is inclusive, `toTime` exclusive.
 */
export interface AuditFilterInput {
  tenantId?: string;
  userId?: string;
  type?: string;
  outcome?: AuditOutcome;
  fromTime?: TimeInput;
  toTime?: TimeInput;
}

export interface ListAuditEventsInput extends AuditFilterInput {
  /** 1–500; default 50. */
  pageSize?: number;
  /** The `nextPageToken` of the previous page. */
  pageToken?: string;
}

export type ExportAuditEventsInput = AuditFilterInput;

/** The period, whole UTC days; default: the last 30 days. */
export interface GetMfaKpisInput {
  tenantId?: string;
  fromTime?: TimeInput;
  toTime?: TimeInput;
}

export interface SetKpiSettingsInput {
  tenantId?: string;
  /** `lossValuePerTakeover` a decimal string (`"1500.00"`), `currency` ISO 4217 (`"EUR"`). */
  settings: DeepPartial<KpiSettings>;
}

/** `clientIp` travels as the `endUserIp` call option (HTTP: the X-End-User-IP header). */
export type StartChallengeInput = RequestInput<
  gatewayV1.StartChallengeRequest,
  'authenticationId',
  'clientIp'
>;
export type VerifyChallengeInput = RequestInput<
  gatewayV1.VerifyChallengeRequest,
  'challengeId' | 'authenticationId',
  'proof'
> & { proof: ProofInput };

export type CreateTenantResult = Ensured<gatewayV1.CreateTenantResponse, 'tenant'>;
export type CreateApiKeyResult = Ensured<gatewayV1.CreateApiKeyResponse, 'key'>;
export type ListApiKeysResult = gatewayV1.ListApiKeysResponse;
export type RevokeApiKeyResult = Ensured<gatewayV1.RevokeApiKeyResponse, 'key'>;
export type UserResult = Ensured<gatewayV1.GetUserResponse, 'user'>;
export type BeginFactorEnrollmentResult = Ensured<gatewayV1.BeginFactorEnrollmentResponse, 'factor'>;
export type FactorResult = Ensured<gatewayV1.ActivateFactorResponse, 'factor'>;
export type ListFactorsResult = gatewayV1.ListFactorsResponse;
export type ResetFactorsResult = gatewayV1.ResetFactorsResponse;
export type StartAuthenticationResult = Ensured<gatewayV1.StartAuthenticationResponse, 'authentication'>;
export type StartStepUpResult = Ensured<gatewayV1.StartStepUpResponse, 'authentication'>;
export type StartPasswordlessResult = Ensured<gatewayV1.StartPasswordlessResponse, 'authentication'>;
export type GetAuthenticationResult = Ensured<gatewayV1.GetAuthenticationResponse, 'authentication'>;
export type StartAuthenticationChallengeResult = gatewayV1.StartAuthenticationChallengeResponse;
export type VerifyAuthenticationResult = Ensured<gatewayV1.VerifyAuthenticationResponse, 'authentication'>;
export type IntrospectAssertionResult = gatewayV1.IntrospectAssertionResponse;
export type ListDeviceTokensResult = gatewayV1.ListDeviceTokensResponse;
export type RevokeDeviceTokenResult = Ensured<gatewayV1.RevokeDeviceTokenResponse, 'token'>;
export type AuthPolicyResult = Ensured<gatewayV1.GetAuthPolicyResponse, 'policy'>;
export type RiskPolicyResult = Ensured<gatewayV1.GetRiskPolicyResponse, 'policy'>;
export type FactorPolicyResult = Ensured<gatewayV1.GetFactorPolicyResponse, 'policy'>;
export type ListAuditEventsResult = gatewayV1.ListAuditEventsResponse;
export type VerifyAuditLogResult = Ensured<gatewayV1.VerifyAuditLogResponse, 'result'>;
export type MfaKpisResult = Ensured<gatewayV1.GetMfaKpisResponse, 'kpis'>;
export type KpiSettingsResult = Ensured<gatewayV1.GetKpiSettingsResponse, 'settings'>;
export type StartChallengeResult = gatewayV1.StartChallengeResponse;
export type VerifyChallengeResult = gatewayV1.VerifyChallengeResponse;

/** One public key of the JWKS (ES256 keys: kty EC, crv P-256, x, y). */
export interface PublicJwk {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly [member: string]: unknown;
}

/** The JWK Set that signs assertions (GET /.well-known/jwks.json; gRPC GetJwks). */
export interface JsonWebKeySet {
  readonly keys: readonly PublicJwk[];
}

/**
 * Options every call takes. For `exportAuditEvents`, a stream, `timeoutMs` (like the client's
 * `timeoutMs` or `deadlineMs`) is the longest wait for the answer to start and for each next
 * event, not a bound on the whole export: a long export runs as long as events keep coming.
 */
export interface CallOptions {
  /** Overrides the client's `timeoutMs` (HTTP) or `deadlineMs` (gRPC) for this call. */
  readonly timeoutMs?: number;
  /** Cancels the call; it then fails with code ABORTED. */
  readonly signal?: AbortSignal;
}

/** Options of calls that are HTTP POSTs. */
export interface PostOptions extends CallOptions {
  /**
   * Sent as `Idempotency-Key` so a retried POST is done once (24 h, per API key). HTTP only:
   * the gateway's gRPC API has no idempotency keys, and the gRPC client ignores this option.
   */
  readonly idempotencyKey?: string;
}

/** Options of calls the product makes on behalf of an end user who may receive a code. */
export interface EndUserOptions extends PostOptions {
  /** The end user's IP address, for delivery's per-IP budgets (HTTP: X-End-User-IP; gRPC: clientIp). */
  readonly endUserIp?: string;
}
