import type { auditV1, EventType, factorsV1, riskV1 } from '@portcullis/contracts';
import type { NewEvent } from '@portcullis/messaging';
import type { AuthPolicy } from './auth-policy';
import type { ActionDetails, AuthenticationRecord, DenialReason, RiskView } from './authentication';
import type { AuditEventPageView, AuditEventView, TenantView, UserView } from './model';

export interface CreateUserCommand {
  readonly tenantId: string;
  readonly externalId: string;
  readonly email?: string | undefined;
  readonly phoneNumber?: string | undefined;
}

export type UserLookup =
  | { readonly tenantId: string; readonly userId: string }
  | { readonly tenantId: string; readonly externalId: string }
  | { readonly tenantId: string; readonly email: string };

export type PasswordCheck =
  | { readonly result: 'VALID'; readonly user: UserView }
  | { readonly result: 'INVALID' }
  | { readonly result: 'THROTTLED'; readonly retryAfterSeconds: number }
  | { readonly result: 'ACCOUNT_LOCKED' | 'ACCOUNT_DISABLED'; readonly user: UserView };

/** Which of a tenant's audit events; every field but the tenant is optional. */
export interface AuditFilter {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  /** An event type (identity.user.created) or a prefix ending in a dot (factors.). */
  readonly type?: string | undefined;
  readonly outcome?: string | undefined;
  /** Occurrence time range: from inclusive, to exclusive. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

export interface AuditQuery extends AuditFilter {
  readonly pageSize?: number | undefined;
  readonly pageToken?: string | undefined;
}

export interface KpiQuery {
  readonly tenantId: string;
  /** Whole UTC days, from inclusive, to exclusive; audit's defaults (the last 30 days) otherwise. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

/** Port to the identity service. */
export abstract class IdentityDirectory {
  abstract createTenant(name: string): Promise<TenantView>;
  abstract createUser(command: CreateUserCommand): Promise<UserView>;
  abstract getUser(lookup: UserLookup): Promise<UserView>;
  /** Checks a password; unknown users and wrong passwords answer the same (INVALID). */
  abstract verifyPassword(
    lookup: UserLookup,
    password: string,
    clientIp: string | undefined,
  ): Promise<PasswordCheck>;
  abstract setPassword(tenantId: string, userId: string, password: string): Promise<void>;
  abstract lockUser(tenantId: string, userId: string, reason: string, actor: string): Promise<UserView>;
  abstract unlockUser(tenantId: string, userId: string, reason: string, actor: string): Promise<UserView>;
}

export interface RiskQuery {
  readonly tenantId: string;
  readonly attemptId: string;
  readonly userId?: string;
  readonly clientIp?: string;
  readonly userAgent?: string;
  readonly deviceId?: string;
  readonly deviceRemembered: boolean;
  readonly passwordCheck: 'not_checked' | 'passed' | 'failed';
  readonly action?: ActionDetails;
}

/**
 * Port to the risk service. `score` never fails: when risk is slow or down it answers with the
 * tenant's fail mode (challenge unless the tenant chose deny), marked as a fallback.
 */
export abstract class RiskAssessor {
  abstract score(query: RiskQuery): Promise<RiskView>;
  abstract getPolicy(tenantId: string): Promise<riskV1.GetRiskPolicyResponse>;
  abstract setPolicy(request: riskV1.SetRiskPolicyRequest): Promise<riskV1.SetRiskPolicyResponse>;
}

export interface DeviceTokenRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly deviceHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt?: Date;
  readonly lastUsedAt?: Date;
}

export interface Completion {
  readonly userId: string;
  readonly amr: readonly string[];
  readonly at: Date;
  readonly risk?: RiskView;
  readonly status: 'SUCCEEDED' | 'DENIED';
  readonly denialReason?: DenialReason;
}

export interface GatewayTransaction {
  readonly authentications: {
    insert(a: AuthenticationRecord): Promise<void>;
    find(tenantId: string, id: string): Promise<AuthenticationRecord | undefined>;
    /**
     * CHALLENGE_REQUIRED → SUCCEEDED or DENIED, atomically and only while unexpired: undefined
     * when another request completed it first, or it expired (a replay gets nothing).
     */
    complete(tenantId: string, id: string, completion: Completion): Promise<AuthenticationRecord | undefined>;
  };
  readonly deviceTokens: {
    insert(t: DeviceTokenRecord): Promise<void>;
    find(tenantId: string, id: string): Promise<DeviceTokenRecord | undefined>;
    list(tenantId: string, userId: string): Promise<DeviceTokenRecord[]>;
    revoke(tenantId: string, userId: string, id: string, at: Date): Promise<DeviceTokenRecord | undefined>;
    touch(id: string, at: Date): Promise<void>;
  };
  readonly authPolicies: {
    find(tenantId: string): Promise<AuthPolicy | undefined>;
    save(tenantId: string, policy: AuthPolicy, at: Date): Promise<void>;
  };
  readonly events: {
    record<K extends EventType>(event: NewEvent<K>): Promise<void>;
  };
}

export abstract class GatewayUnitOfWork {
  abstract run<T>(work: (tx: GatewayTransaction) => Promise<T>): Promise<T>;
}

export abstract class Clock {
  abstract now(): Date;
}

/**
 * Port to the audit service: the hash-chained audit log and the MFA KPIs kept from it (and the
 * tenant's KPI settings, the one thing written through it). Chain reports, KPIs and settings are
 * the generated `auditV1` contract types, which the gateway's messages reuse field for field.
 */
export abstract class AuditReader {
  abstract list(query: AuditQuery): Promise<AuditEventPageView>;
  /**
   * Every event matching `filter`, oldest first, as audit streams them: pulled one at a time, so
   * a slow consumer slows the stream down instead of piling events up in memory. Stopping early
   * (`break`, `return()`) or aborting `signal` cancels the call; after an abort the iteration
   * ends quietly. A failure of audit is a DomainError, thrown where the stream broke.
   */
  abstract export(filter: AuditFilter, signal?: AbortSignal): AsyncIterable<AuditEventView>;
  abstract verifyChain(tenantId: string): Promise<auditV1.VerifyAuditChainResponse>;
  abstract getMfaKpis(query: KpiQuery): Promise<auditV1.MfaKpis>;
  abstract getKpiSettings(tenantId: string): Promise<auditV1.KpiSettings>;
  abstract setKpiSettings(tenantId: string, settings: auditV1.KpiSettings): Promise<auditV1.KpiSettings>;
}

/**
 * Port to the factors service, in the generated `factorsV1` contract types (see model.ts). Its
 * failures are DomainErrors with factors' own codes (CODE_INVALID, FACTOR_LOCKED, ...), to be
 * passed through unchanged.
 */
export abstract class FactorsDirectory {
  abstract beginEnrollment(
    request: factorsV1.BeginEnrollmentRequest,
  ): Promise<factorsV1.BeginEnrollmentResponse>;
  abstract activateFactor(
    request: factorsV1.ActivateFactorRequest,
  ): Promise<factorsV1.ActivateFactorResponse>;
  abstract listFactors(request: factorsV1.ListFactorsRequest): Promise<factorsV1.ListFactorsResponse>;
  abstract updateFactor(request: factorsV1.UpdateFactorRequest): Promise<factorsV1.UpdateFactorResponse>;
  abstract removeFactor(request: factorsV1.RemoveFactorRequest): Promise<factorsV1.RemoveFactorResponse>;
  abstract resetFactors(request: factorsV1.ResetFactorsRequest): Promise<factorsV1.ResetFactorsResponse>;
  abstract startChallenge(
    request: factorsV1.StartChallengeRequest,
  ): Promise<factorsV1.StartChallengeResponse>;
  abstract verifyChallenge(
    request: factorsV1.VerifyChallengeRequest,
  ): Promise<factorsV1.VerifyChallengeResponse>;
  abstract getFactorPolicy(
    request: factorsV1.GetFactorPolicyRequest,
  ): Promise<factorsV1.GetFactorPolicyResponse>;
  abstract setFactorPolicy(
    request: factorsV1.SetFactorPolicyRequest,
  ): Promise<factorsV1.SetFactorPolicyResponse>;
}
