import type { factorsV1 } from '@portcullis/contracts';
import type { AuditEventPageView, TenantView, UserView } from './model';

export interface CreateUserCommand {
  readonly tenantId: string;
  readonly externalId: string;
  readonly email?: string | undefined;
  readonly phoneNumber?: string | undefined;
}

export type UserLookup =
  | { readonly tenantId: string; readonly userId: string }
  | { readonly tenantId: string; readonly externalId: string };

export interface AuditQuery {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  readonly type?: string | undefined;
  readonly pageSize?: number | undefined;
  readonly pageToken?: string | undefined;
}

/** Port to the identity service. */
export abstract class IdentityDirectory {
  abstract createTenant(name: string): Promise<TenantView>;
  abstract createUser(command: CreateUserCommand): Promise<UserView>;
  abstract getUser(lookup: UserLookup): Promise<UserView>;
}

/** Port to the audit service. */
export abstract class AuditReader {
  abstract list(query: AuditQuery): Promise<AuditEventPageView>;
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
