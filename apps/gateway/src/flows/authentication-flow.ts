import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, isDomainError } from '@portcullis/errors';
import { AssertionSigner, DeviceTokenIssuer, deviceIdHash, type IssuedAssertion } from '../assertions';
import { DEFAULT_AUTH_POLICY, type AuthPolicy } from '../domain/auth-policy';
import {
  acrOf,
  type AuthenticationRecord,
  type ClientContext,
  type DenialReason,
  type FactorOption,
  orderFactors,
  type RiskView,
} from '../domain/authentication';
import type { UserView } from '../domain/model';
import {
  Clock,
  FactorsDirectory,
  GatewayUnitOfWork,
  type GatewayTransaction,
  IdentityDirectory,
  RiskAssessor,
} from '../domain/ports';

export const FlowErrorCodes = {
  AUTHENTICATION_NOT_FOUND: 'AUTHENTICATION_NOT_FOUND',
  AUTHENTICATION_NOT_PENDING: 'AUTHENTICATION_NOT_PENDING',
  AUTHENTICATION_EXPIRED: 'AUTHENTICATION_EXPIRED',
  FACTOR_NOT_OFFERED: 'FACTOR_NOT_OFFERED',
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  DEVICE_TOKEN_NOT_FOUND: 'DEVICE_TOKEN_NOT_FOUND',
} as const;

/** An issued assertion with what it asserts. */
export interface SignedAssertion extends IssuedAssertion {
  readonly amr: readonly string[];
  readonly acr: 'aal1' | 'aal2';
}

export const authenticationNotFound = () =>
  new DomainError('NOT_FOUND', FlowErrorCodes.AUTHENTICATION_NOT_FOUND, 'No such authentication');

/** The outcome event's reason for a denial (what risk and audit count). */
const FAILURE_REASON: Record<DenialReason, string> = {
  INVALID_CREDENTIALS: 'PASSWORD_INVALID',
  PASSWORD_THROTTLED: 'PASSWORD_THROTTLED',
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  RISK_DENIED: 'DENIED_BY_RISK',
  NO_FACTOR_ENROLLED: 'NO_FACTOR_ENROLLED',
};

export function denialOfStatus(user: UserView | undefined): DenialReason | undefined {
  if (user?.status === 'LOCKED') return 'ACCOUNT_LOCKED';
  if (user?.status === 'DISABLED') return 'ACCOUNT_DISABLED';
  return undefined;
}

/**
 * What every flow shares: the tenant's sign-in policy, remembered devices, the user's factors,
 * the decision, assertions and device tokens, and the outcome events. The decision is computed
 * here from identity's answer, risk's answer, the policy and the factors the user really has —
 * never from anything the caller says about the attempt.
 */
@Injectable()
export class AuthenticationFlow {
  constructor(
    private readonly uow: GatewayUnitOfWork,
    private readonly identity: IdentityDirectory,
    private readonly risk: RiskAssessor,
    private readonly factors: FactorsDirectory,
    private readonly assertions: AssertionSigner,
    private readonly devices: DeviceTokenIssuer,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  async policy(tenantId: string): Promise<AuthPolicy> {
    return (await this.uow.run((tx) => tx.authPolicies.find(tenantId))) ?? DEFAULT_AUTH_POLICY;
  }

  /**
   * True when the context carries a valid, unrevoked device token of this user (and device). A
   * bad token never fails the attempt: it only does not count.
   */
  async rememberedDevice(
    tenantId: string,
    userId: string | undefined,
    context: ClientContext,
    policy: AuthPolicy,
  ): Promise<boolean> {
    // A token counts only with the device id it was issued to: a stolen token alone is nothing.
    if (!userId || !context.deviceToken || !context.deviceId || policy.deviceTokensDisabled) return false;
    try {
      const verified = await this.devices.verify(context.deviceToken, {
        tenantId,
        userId,
        deviceId: context.deviceId,
        now: this.clock.now(),
      });
      const stored = await this.uow.run(async (tx) => {
        const token = await tx.deviceTokens.find(tenantId, verified.tokenId);
        if (token && !token.revokedAt) await tx.deviceTokens.touch(token.id, this.clock.now());
        return token;
      });
      return stored !== undefined && !stored.revokedAt && stored.userId === userId;
    } catch (error) {
      if (isDomainError(error)) return false;
      throw error;
    }
  }

  /** The user's active factors, in the order a person should be offered them. */
  async activeFactors(tenantId: string, userId: string): Promise<FactorOption[]> {
    const { factors } = await this.factors.listFactors({ tenantId, userId, includeRemoved: false });
    return orderFactors(
      factors
        .filter((f) => f.status === 'ACTIVE')
        .map((f) => ({
          factorId: f.id,
          type: f.type,
          name: f.name,
          destinationHint: f.destinationHint,
          strength: f.strength,
          preferred: f.preferred,
        })),
    );
  }

  /** The current user record, to refuse locked and disabled users on every step. */
  async currentUser(tenantId: string, userId: string): Promise<UserView> {
    return this.identity.getUser({ tenantId, userId });
  }

  scoreRisk(...args: Parameters<RiskAssessor['score']>): Promise<RiskView> {
    return this.risk.score(...args);
  }

  /**
   * Records a new attempt with its outcome event when it is already final, and signs the
   * assertion when it succeeded without a challenge. One transaction: the row and its event.
   */
  /**
   * `namedUserId`: for a wrong password, the user id the caller named, if it named one. It goes
   * to the outcome event (so risk counts the failure against that user) but never into the
   * attempt, which must read the same whether or not that user exists.
   */
  async record(
    attempt: AuthenticationRecord,
    policy: AuthPolicy,
    namedUserId?: string,
  ): Promise<SignedAssertion | undefined> {
    return this.uow.run(async (tx) => {
      await tx.authentications.insert(attempt);
      if (attempt.status === 'SUCCEEDED') {
        await this.succeeded(tx, attempt);
        // An assertion names what Portcullis verified; when the policy let the attempt through
        // without verifying anything (the product checked its own password), there is nothing
        // to assert and the answer itself is the decision.
        return attempt.amr.length > 0 ? this.assert(attempt, policy, false) : undefined;
      }
      if (attempt.status === 'DENIED') {
        await this.failed(tx, { ...attempt, userId: attempt.userId ?? namedUserId }, attempt.denialReason!);
      }
      return undefined;
    });
  }

  async assert(
    attempt: AuthenticationRecord,
    policy: AuthPolicy,
    factorVerified: boolean,
  ): Promise<SignedAssertion> {
    const acr = acrOf(factorVerified);
    const issued = await this.assertions.issue(
      {
        tenantId: attempt.tenantId,
        userId: attempt.userId!,
        amr: [...attempt.amr],
        acr,
        authTime: attempt.completedAt ?? attempt.createdAt,
        riskLevel: attempt.risk?.level ?? 'unknown',
        attemptId: attempt.id,
        action: attempt.action,
      },
      policy.assertionLifetimeSeconds,
      this.clock.now(),
    );
    return { ...issued, amr: [...attempt.amr], acr };
  }

  /** A remember-this-device token, stored for revocation. */
  async rememberDevice(
    tx: GatewayTransaction,
    attempt: AuthenticationRecord,
    policy: AuthPolicy,
  ): Promise<{ token: string; tokenId: string; expiresAt: Date } | undefined> {
    // A device the product did not identify cannot be remembered (the token is bound to its id).
    if (policy.deviceTokensDisabled || !attempt.userId || !attempt.deviceId) return undefined;
    const tokenId = randomUUID();
    const deviceId = attempt.deviceId;
    const now = this.clock.now();
    const issued = await this.devices.issue({
      tenantId: attempt.tenantId,
      userId: attempt.userId,
      deviceId,
      tokenId,
      lifetimeSeconds: policy.deviceTokenLifetimeDays * 86_400,
      now,
    });
    await tx.deviceTokens.insert({
      id: tokenId,
      tenantId: attempt.tenantId,
      userId: attempt.userId,
      deviceHash: deviceIdHash(deviceId),
      createdAt: now,
      expiresAt: issued.expiresAt,
    });
    return { token: issued.token, tokenId, expiresAt: issued.expiresAt };
  }

  async succeeded(tx: GatewayTransaction, a: AuthenticationRecord): Promise<void> {
    await tx.events.record({
      type: 'gateway.authentication.succeeded',
      tenantId: a.tenantId,
      userId: a.userId,
      occurredAt: a.completedAt ?? a.createdAt,
      payload: {
        tenantId: a.tenantId,
        userId: a.userId ?? '',
        authenticationId: a.id,
        clientIp: a.clientIp ?? '',
        userAgent: a.userAgent ?? '',
        deviceId: a.deviceId ?? '',
        amr: [...a.amr],
        kind: a.kind,
        riskLevel: a.risk?.level ?? '',
      },
    });
  }

  async failed(tx: GatewayTransaction, a: AuthenticationRecord, reason: DenialReason): Promise<void> {
    const eventReason =
      reason === 'INVALID_CREDENTIALS' && !a.userId ? 'USER_UNKNOWN' : FAILURE_REASON[reason];
    await tx.events.record({
      type: 'gateway.authentication.failed',
      tenantId: a.tenantId,
      userId: a.userId,
      occurredAt: a.completedAt ?? a.createdAt,
      payload: {
        tenantId: a.tenantId,
        userId: a.userId ?? '',
        authenticationId: a.id,
        clientIp: a.clientIp ?? '',
        userAgent: a.userAgent ?? '',
        deviceId: a.deviceId ?? '',
        reason: eventReason,
        kind: a.kind,
      },
    });
  }
}
