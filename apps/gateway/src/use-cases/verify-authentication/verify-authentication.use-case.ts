import { Injectable } from '@nestjs/common';
import { DomainError } from '@portcullis/errors';
import { type AuthenticationRecord, mergeAmr, type RiskView } from '../../domain/authentication';
import { FactorsDirectory, GatewayUnitOfWork } from '../../domain/ports';
import { AuthenticationFlow, FlowErrorCodes, type SignedAssertion } from '../../flows/authentication-flow';
import { PendingAuthentications } from '../../flows/pending-authentications';

export interface VerifyAuthenticationInput {
  readonly tenantId: string;
  readonly authenticationId: string;
  readonly challengeId: string;
  readonly answer: { code: string } | { webauthnResponseJson: string };
  readonly rememberDevice: boolean;
}

export interface VerifiedAuthentication {
  readonly authentication: AuthenticationRecord;
  readonly assertion?: SignedAssertion;
  readonly deviceToken?: { token: string; tokenId: string; expiresAt: Date };
}

const notPending = () =>
  new DomainError(
    'FAILED_PRECONDITION',
    FlowErrorCodes.AUTHENTICATION_NOT_PENDING,
    'The authentication is already complete',
  );

/**
 * Verifies the answer to a challenge of a pending authentication. Factors checks the answer
 * (single use, attempt limits, lockout); then the attempt moves to SUCCEEDED with one conditional
 * update, so of two racing answers only one gets the assertion, and a replay gets nothing.
 * A passwordless attempt learns its user from the passkey and is scored by risk only now.
 */
@Injectable()
export class VerifyAuthenticationUseCase {
  constructor(
    private readonly pending: PendingAuthentications,
    private readonly factors: FactorsDirectory,
    private readonly flow: AuthenticationFlow,
    private readonly uow: GatewayUnitOfWork,
  ) {}

  async execute(input: VerifyAuthenticationInput): Promise<VerifiedAuthentication> {
    const attempt = await this.pending.get(input.tenantId, input.authenticationId);
    const verified = await this.factors.verifyChallenge({
      tenantId: attempt.tenantId,
      challengeId: input.challengeId,
      authenticationId: attempt.id,
      proof: input.answer,
    });
    const offered =
      attempt.kind === 'passwordless'
        ? verified.challengeId === attempt.challengeId
        : attempt.factors.some((f) => f.factorId === verified.factor?.id) &&
          verified.userId === attempt.userId;
    if (!offered) {
      throw new DomainError(
        'FAILED_PRECONDITION',
        FlowErrorCodes.FACTOR_NOT_OFFERED,
        'The answer is not for a factor this authentication offered',
      );
    }
    const user = await this.flow.currentUser(attempt.tenantId, verified.userId);
    await this.pending.requireActiveUser({ ...attempt, userId: verified.userId }, user);

    let risk: RiskView | undefined = attempt.risk;
    if (attempt.kind === 'passwordless') {
      risk = await this.flow.scoreRisk({
        tenantId: attempt.tenantId,
        attemptId: attempt.id,
        userId: verified.userId,
        clientIp: attempt.clientIp,
        userAgent: attempt.userAgent,
        deviceId: attempt.deviceId,
        deviceRemembered: false,
        passwordCheck: 'not_checked',
      });
    }
    const policy = await this.flow.policy(attempt.tenantId);
    const at = this.flow.now();
    const denied = risk?.decision === 'deny' && attempt.kind === 'passwordless';
    return this.uow.run(async (tx) => {
      const completed = await tx.authentications.complete(attempt.tenantId, attempt.id, {
        status: denied ? 'DENIED' : 'SUCCEEDED',
        denialReason: denied ? 'RISK_DENIED' : undefined,
        userId: verified.userId,
        amr: mergeAmr(attempt.amr, verified.amr),
        at,
        risk,
      });
      if (!completed) throw notPending();
      if (completed.status === 'DENIED') {
        await this.flow.failed(tx, completed, 'RISK_DENIED');
        return { authentication: completed };
      }
      await this.flow.succeeded(tx, completed);
      const assertion = await this.flow.assert(completed, policy, true);
      const deviceToken = input.rememberDevice
        ? await this.flow.rememberDevice(tx, completed, policy)
        : undefined;
      return { authentication: completed, assertion, deviceToken };
    });
  }
}
