import { inspect } from 'node:util';
import {
  EXPORT_AUDIT_EVENTS,
  GATEWAY_OPERATIONS as ops,
  type Operation,
  type StreamOperation,
} from './gateway-operations';
import type {
  ActivateFactorInput,
  AuditEvent,
  AuthPolicyResult,
  BeginFactorEnrollmentInput,
  BeginFactorEnrollmentResult,
  CallOptions,
  CreateApiKeyInput,
  CreateApiKeyResult,
  CreateTenantInput,
  CreateTenantResult,
  CreateUserInput,
  EndUserOptions,
  Ensured,
  ExportAuditEventsInput,
  FactorPolicyResult,
  FactorResult,
  FindUserByExternalIdInput,
  GetAuthenticationInput,
  GetAuthenticationResult,
  GetMfaKpisInput,
  GetUserInput,
  IntrospectAssertionInput,
  IntrospectAssertionResult,
  JsonWebKeySet,
  KpiSettingsResult,
  ListApiKeysResult,
  ListAuditEventsInput,
  ListAuditEventsResult,
  ListDeviceTokensInput,
  ListDeviceTokensResult,
  ListFactorsInput,
  ListFactorsResult,
  LockUserInput,
  MfaKpisResult,
  PostOptions,
  RemoveFactorInput,
  ResetFactorsInput,
  ResetFactorsResult,
  RevokeApiKeyInput,
  RevokeApiKeyResult,
  RevokeDeviceTokenInput,
  RevokeDeviceTokenResult,
  RiskPolicyResult,
  SetAuthPolicyInput,
  SetFactorPolicyInput,
  SetKpiSettingsInput,
  SetPasswordInput,
  SetRiskPolicyInput,
  StartAuthenticationChallengeInput,
  StartAuthenticationChallengeResult,
  StartAuthenticationInput,
  StartAuthenticationResult,
  StartChallengeInput,
  StartChallengeResult,
  StartPasswordlessInput,
  StartPasswordlessResult,
  StartStepUpInput,
  StartStepUpResult,
  TenantInput,
  UnlockUserInput,
  UpdateFactorInput,
  UserResult,
  VerifyAuditLogResult,
  VerifyAuthenticationInput,
  VerifyAuthenticationResult,
  VerifyChallengeInput,
  VerifyChallengeResult,
} from './portcullis-api.types';
import { PortcullisError, SdkErrorCodes } from './portcullis.errors';

/** What both clients are configured with. */
export interface PortcullisCredentials {
  /** A tenant API key (or the operator token): sent as `Bearer <apiKey>`, never logged or echoed. */
  readonly apiKey: string;
  /** The tenant of calls that name none. */
  readonly tenantId?: string;
}

/** Options the transports receive with each call. */
export interface SendOptions extends CallOptions {
  readonly idempotencyKey?: string;
}

/** A printable credential without whitespace, as the gateway accepts (at most 1024 characters). */
const API_KEY = /^[\x21-\x7E]{1,1024}$/;
/** 1 to 255 printable ASCII characters (the gateway's rule). */
const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,255}$/;
/** Request fields that are Timestamps, which callers may give as Dates or RFC 3339 strings. */
const TIME_FIELDS = ['fromTime', 'toTime'] as const;

/**
 * The operations of portcullis.gateway.v1.GatewayService, whatever the transport:
 * `PortcullisClient` (HTTP/JSON) and `PortcullisGrpcClient` (gRPC) differ only in how a message
 * reaches the gateway. Type code that should work with either as `PortcullisApi`.
 *
 * Inputs are the request messages with `tenantId` optional (the client's default) and most fields
 * optional; answers are the generated response messages (Timestamps as `{ seconds, nanos }`).
 * Every failure is a {@link PortcullisError}.
 */
export abstract class PortcullisApi {
  readonly #apiKey: string;
  readonly #tenantId: string | undefined;

  protected constructor(credentials: PortcullisCredentials) {
    if (typeof credentials.apiKey !== 'string' || !API_KEY.test(credentials.apiKey)) {
      // The value itself is never part of the message.
      throw new TypeError('apiKey must be 1 to 1024 printable ASCII characters without spaces');
    }
    this.#apiKey = credentials.apiKey;
    this.#tenantId = credentials.tenantId === '' ? undefined : credentials.tenantId;
  }

  /** The tenant calls use when they name none. */
  get tenantId(): string | undefined {
    return this.#tenantId;
  }

  /** The `authorization` header / metadata value. */
  protected authorization(): string {
    return `Bearer ${this.#apiKey}`;
  }

  /**
   * `cause` unless the API key appears in it (an HTTP library's message quoting an invalid
   * header value, say): errors of this SDK never carry the key.
   */
  protected scrubbed(cause: unknown): unknown {
    return inspect(cause, { depth: 6, showHidden: true }).includes(this.#apiKey) ? undefined : cause;
  }

  /** Sends one RPC; the answer is the decoded response message. */
  protected abstract send<Req, Res>(
    operation: Operation<Req, Res, keyof Res>,
    message: Req,
    options: SendOptions,
  ): Promise<Res>;

  /**
   * Sends one server-streaming RPC; yields the items as they arrive, pulled one at a time.
   * Stopping early (`break`) or aborting `options.signal` cancels the call.
   */
  protected abstract stream<Req, Res, Item>(
    operation: StreamOperation<Req, Res, Item>,
    message: Req,
    options: CallOptions,
  ): AsyncGenerator<Item>;

  /** The JWK Set that signs assertions. */
  abstract jwks(options?: CallOptions): Promise<JsonWebKeySet>;

  /** Releases the connection (gRPC channel); the HTTP client holds none. */
  abstract close(): void;

  /**
   * The request message of `input`: the client's tenant when the input names none, proto3
   * defaults (fromJSON) for what the caller left out, times given as Dates or RFC 3339 strings
   * turned into Timestamps. Programming errors are TypeErrors, thrown before anything is sent.
   */
  private messageOf<Req>(
    operation: { readonly rpc: string; readonly request: { fromJSON(object: unknown): Req } },
    input: object,
    tenant: boolean,
    extra: Record<string, unknown> = {},
  ): Req {
    const fields: Record<string, unknown> = { ...input, ...extra };
    if (tenant) {
      const tenantId = (fields['tenantId'] as string | undefined) || this.#tenantId;
      if (!tenantId) {
        throw new TypeError(`${operation.rpc}: tenantId is required (per call or as the client's default)`);
      }
      fields['tenantId'] = tenantId;
    }
    for (const field of TIME_FIELDS) {
      const value = fields[field];
      if (value === undefined || value === null) continue;
      const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
      if (date !== undefined && Number.isNaN(date.getTime())) {
        throw new TypeError(`${operation.rpc}: ${field} must be a valid date or RFC 3339 date-time`);
      }
    }
    return operation.request.fromJSON(fields);
  }

  private async run<Req, Res, K extends keyof Res>(
    operation: Operation<Req, Res, K>,
    input: object,
    options: SendOptions & { endUserIp?: string } = {},
  ): Promise<Ensured<Res, K>> {
    if (options.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(options.idempotencyKey)) {
      throw new TypeError('idempotencyKey must be 1 to 255 printable ASCII characters');
    }
    const message = this.messageOf(
      operation,
      input,
      operation.tenant,
      options.endUserIp === undefined ? {} : { clientIp: options.endUserIp },
    );
    const response = await this.send(operation, message, options);
    for (const field of operation.present) {
      if (response[field] === undefined || response[field] === null) {
        throw new PortcullisError({
          code: SdkErrorCodes.UNEXPECTED_RESPONSE,
          detail: `The answer to ${operation.rpc} lacks ${String(field)}`,
        });
      }
    }
    return response as Ensured<Res, K>;
  }

  // Tenants and API keys

  /** Creates a tenant. Operator token only. */
  createTenant(input: CreateTenantInput, options?: PostOptions): Promise<CreateTenantResult> {
    return this.run(ops.createTenant, input, options);
  }

  /** Creates an API key; its `secret` is in this answer only. Admin scope. */
  createApiKey(input: CreateApiKeyInput, options?: PostOptions): Promise<CreateApiKeyResult> {
    return this.run(ops.createApiKey, input, options);
  }

  /** Lists a tenant's API keys (never a secret). Admin scope. */
  listApiKeys(input: TenantInput = {}, options?: CallOptions): Promise<ListApiKeysResult> {
    return this.run(ops.listApiKeys, input, options);
  }

  /** Revokes an API key; repeating it changes nothing. Admin scope. */
  revokeApiKey(input: RevokeApiKeyInput, options?: CallOptions): Promise<RevokeApiKeyResult> {
    return this.run(ops.revokeApiKey, input, options);
  }

  // Users

  /** Creates a customer user. Runtime scope. */
  createUser(input: CreateUserInput, options?: PostOptions): Promise<UserResult> {
    return this.run(ops.createUser, input, options);
  }

  /** A user by Portcullis id. Runtime scope. */
  getUser(input: GetUserInput, options?: CallOptions): Promise<UserResult> {
    return this.run(ops.getUser, { tenantId: input.tenantId, userId: input.userId }, options);
  }

  /** A user by the product's own id. Runtime scope. */
  findUserByExternalId(input: FindUserByExternalIdInput, options?: CallOptions): Promise<UserResult> {
    return this.run(ops.getUser, { tenantId: input.tenantId, externalId: input.externalId }, options);
  }

  /** Sets or replaces a user's password. Runtime scope. */
  async setPassword(input: SetPasswordInput, options?: CallOptions): Promise<void> {
    await this.run(ops.setPassword, input, options);
  }

  /** Locks a user: every path refuses them, including authentications already started. Admin scope. */
  lockUser(input: LockUserInput, options?: PostOptions): Promise<UserResult> {
    return this.run(ops.lockUser, input, options);
  }

  /** Unlocks a locked user. Admin scope. */
  unlockUser(input: UnlockUserInput, options?: PostOptions): Promise<UserResult> {
    return this.run(ops.unlockUser, input, options);
  }

  // Factors

  /** Begins enrolling a factor; the answer holds its setup (otpauth URI, passkey options, codes). Runtime scope. */
  beginFactorEnrollment(
    input: BeginFactorEnrollmentInput,
    options?: EndUserOptions,
  ): Promise<BeginFactorEnrollmentResult> {
    return this.run(ops.beginFactorEnrollment, input, options);
  }

  /** Activates a pending factor with proof of possession. Runtime scope. */
  activateFactor(input: ActivateFactorInput, options?: PostOptions): Promise<FactorResult> {
    return this.run(ops.activateFactor, input, options);
  }

  /** Lists a user's factors (never a secret). Runtime scope. */
  listFactors(input: ListFactorsInput, options?: CallOptions): Promise<ListFactorsResult> {
    return this.run(ops.listFactors, input, options);
  }

  /** Renames a factor or makes it the preferred one. Runtime scope. */
  updateFactor(input: UpdateFactorInput, options?: CallOptions): Promise<FactorResult> {
    return this.run(ops.updateFactor, input, options);
  }

  /** Removes a factor; needs `mfaProof` (a recently verified challenge) once the user has another. Runtime scope. */
  removeFactor(input: RemoveFactorInput, options?: CallOptions): Promise<FactorResult> {
    return this.run(ops.removeFactor, input, options);
  }

  /** Removes all of a user's factors (lost-factor recovery by an administrator); audited. Admin scope. */
  resetFactors(input: ResetFactorsInput, options?: PostOptions): Promise<ResetFactorsResult> {
    return this.run(ops.resetFactors, input, options);
  }

  // Sign-in, step-up, passwordless

  /** Starts a sign-in: allow (with an assertion), challenge (with the user's factors) or deny. Runtime scope. */
  startAuthentication(
    input: StartAuthenticationInput,
    options?: PostOptions,
  ): Promise<StartAuthenticationResult> {
    return this.run(ops.startAuthentication, input, options);
  }

  /** Starts a step-up bound to an action (see `actionDetails()`). Runtime scope. */
  startStepUp(input: StartStepUpInput, options?: PostOptions): Promise<StartStepUpResult> {
    return this.run(ops.startStepUp, input, options);
  }

  /** Starts a passwordless sign-in with a discoverable passkey. Runtime scope. */
  startPasswordless(
    input: StartPasswordlessInput = {},
    options?: PostOptions,
  ): Promise<StartPasswordlessResult> {
    return this.run(ops.startPasswordless, input, options);
  }

  /** An authentication's state (never its assertion again). Runtime scope. */
  getAuthentication(input: GetAuthenticationInput, options?: CallOptions): Promise<GetAuthenticationResult> {
    return this.run(ops.getAuthentication, input, options);
  }

  /** Sends a code (SMS, voice, email) or prepares a passkey challenge for one of the authentication's factors. */
  startAuthenticationChallenge(
    input: StartAuthenticationChallengeInput,
    options?: PostOptions,
  ): Promise<StartAuthenticationChallengeResult> {
    return this.run(ops.startAuthenticationChallenge, input, options);
  }

  /** Verifies the answer; on success the assertion (and a device token if asked) comes back, once. */
  verifyAuthentication(
    input: VerifyAuthenticationInput,
    options?: PostOptions,
  ): Promise<VerifyAuthenticationResult> {
    return this.run(ops.verifyAuthentication, input, options);
  }

  /** Checks an assertion, for backends that prefer asking to verifying the JWT themselves. Runtime scope. */
  introspectAssertion(
    input: IntrospectAssertionInput,
    options?: PostOptions,
  ): Promise<IntrospectAssertionResult> {
    return this.run(ops.introspectAssertion, input, options);
  }

  // Remembered devices

  /** Lists a user's remembered devices. Runtime scope. */
  listDeviceTokens(input: ListDeviceTokensInput, options?: CallOptions): Promise<ListDeviceTokensResult> {
    return this.run(ops.listDeviceTokens, input, options);
  }

  /** Revokes a remembered device. Runtime scope. */
  revokeDeviceToken(input: RevokeDeviceTokenInput, options?: CallOptions): Promise<RevokeDeviceTokenResult> {
    return this.run(ops.revokeDeviceToken, input, options);
  }

  // Policies (admin scope)

  getAuthPolicy(input: TenantInput = {}, options?: CallOptions): Promise<AuthPolicyResult> {
    return this.run(ops.getAuthPolicy, input, options);
  }

  /** Replaces the sign-in policy; fields left out take their defaults. */
  setAuthPolicy(input: SetAuthPolicyInput, options?: CallOptions): Promise<AuthPolicyResult> {
    return this.run(ops.setAuthPolicy, input, options);
  }

  getRiskPolicy(input: TenantInput = {}, options?: CallOptions): Promise<RiskPolicyResult> {
    return this.run(ops.getRiskPolicy, input, options);
  }

  /** Replaces the risk policy; fields left out take their defaults. */
  setRiskPolicy(input: SetRiskPolicyInput, options?: CallOptions): Promise<RiskPolicyResult> {
    return this.run(ops.setRiskPolicy, input, options);
  }

  getFactorPolicy(input: TenantInput = {}, options?: CallOptions): Promise<FactorPolicyResult> {
    return this.run(ops.getFactorPolicy, input, options);
  }

  /** Replaces the factor policy; fields left out take their defaults. */
  setFactorPolicy(input: SetFactorPolicyInput, options?: CallOptions): Promise<FactorPolicyResult> {
    return this.run(ops.setFactorPolicy, input, options);
  }

  // Audit and KPIs (admin scope)

  /**
   * A tenant's audit events, oldest first, filtered by user, type (or a prefix ending in a dot),
   * outcome and occurrence time; pass `nextPageToken` back as `pageToken`. Admin scope.
   */
  listAuditEvents(input: ListAuditEventsInput = {}, options?: CallOptions): Promise<ListAuditEventsResult> {
    return this.run(ops.listAuditEvents, input, options);
  }

  /**
   * Every event matching the filter, oldest first, as the gateway streams them (HTTP: NDJSON,
   * parsed line by line; gRPC: a server stream), without paging:
   *
   * ```ts
   * for await (const event of admin.exportAuditEvents({ type: 'factors.', fromTime: since })) { … }
   * ```
   *
   * Events are read as the loop asks for them; `break` (or `signal`) cancels the export. A stream
   * the gateway breaks off midway fails the loop (NETWORK_ERROR over HTTP, the gateway's code
   * over gRPC) after the events that did arrive. Admin scope.
   */
  exportAuditEvents(
    input: ExportAuditEventsInput = {},
    options: CallOptions = {},
  ): AsyncGenerator<AuditEvent> {
    const message = this.messageOf(EXPORT_AUDIT_EVENTS, input, true);
    return this.stream(EXPORT_AUDIT_EVENTS, message, options);
  }

  /** Recomputes the tenant's audit hash chain: `result.intact`, `checked`, `problems`. Admin scope. */
  verifyAuditLog(input: TenantInput = {}, options?: CallOptions): Promise<VerifyAuditLogResult> {
    return this.run(ops.verifyAuditLog, input, options);
  }

  /** The tenant's MFA KPIs over whole UTC days (default: the last 30). Admin scope. */
  getMfaKpis(input: GetMfaKpisInput = {}, options?: CallOptions): Promise<MfaKpisResult> {
    return this.run(ops.getMfaKpis, input, options);
  }

  /** The loss value of one account takeover, and its currency, for the KPIs' ROI. Admin scope. */
  getKpiSettings(input: TenantInput = {}, options?: CallOptions): Promise<KpiSettingsResult> {
    return this.run(ops.getKpiSettings, input, options);
  }

  /** Replaces the KPI settings; a bad amount or currency is VALIDATION_FAILED. Admin scope. */
  setKpiSettings(input: SetKpiSettingsInput, options?: CallOptions): Promise<KpiSettingsResult> {
    return this.run(ops.setKpiSettings, input, options);
  }

  // Challenges of one factor, outside an authentication

  /** Starts a challenge of one factor (or a passwordless passkey challenge). Runtime scope. */
  startChallenge(input: StartChallengeInput, options?: EndUserOptions): Promise<StartChallengeResult> {
    return this.run(ops.startChallenge, input, options);
  }

  /** Verifies the answer to a challenge, at most once; its id then serves as `mfaProof`. Runtime scope. */
  verifyChallenge(input: VerifyChallengeInput, options?: PostOptions): Promise<VerifyChallengeResult> {
    return this.run(ops.verifyChallenge, input, options);
  }
}
