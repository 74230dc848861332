import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isDomainError } from '@portcullis/errors';
import type { AuthenticationRecord, ClientContext, DenialReason } from '../../domain/authentication';
import type { UserView } from '../../domain/model';
import { IdentityDirectory, type UserLookup } from '../../domain/ports';
import { AuthenticationFlow, denialOfStatus, type SignedAssertion } from '../../flows/authentication-flow';
import { decide } from '../../flows/decide';

export interface StartAuthenticationInput {
  readonly tenantId: string;
  readonly login: UserLookup;
  readonly password?: string;
  readonly context: ClientContext;
}

export interface StartedAuthentication {
  readonly authentication: AuthenticationRecord;
  readonly assertion?: SignedAssertion;
}

/**
 * A sign-in: identity (the password when given; account status) → risk (under its deadline; the
 * fail mode when it is down) → the tenant's policy and the user's own factors → allow with an
 * assertion, challenge, or deny. An unknown user and a wrong password get the same answer.
 */
@Injectable()
export class StartAuthenticationUseCase {
  constructor(
    private readonly flow: AuthenticationFlow,
    private readonly identity: IdentityDirectory,
  ) {}

  async execute(input: StartAuthenticationInput): Promise<StartedAuthentication> {
    const { tenantId, context } = input;
    const id = randomUUID();
    const policy = await this.flow.policy(tenantId);
    let user: UserView | undefined;
    let denial: DenialReason | undefined;
    let passwordCheck: 'not_checked' | 'passed' | 'failed' = 'not_checked';

    if (input.password !== undefined) {
      const check = await this.identity.verifyPassword(input.login, input.password, context.ip);
      if (check.result === 'VALID') {
        user = check.user;
        passwordCheck = 'passed';
      } else if (check.result === 'INVALID') {
        passwordCheck = 'failed';
        denial = 'INVALID_CREDENTIALS';
      } else if (check.result === 'THROTTLED') {
        denial = 'PASSWORD_THROTTLED';
      } else {
        user = check.user;
        denial = check.result;
      }
    } else {
      try {
        user = await this.identity.getUser(input.login);
      } catch (error) {
        if (!isDomainError(error) || error.kind !== 'NOT_FOUND') throw error;
        denial = 'INVALID_CREDENTIALS';
      }
    }
    denial ??= denialOfStatus(user);

    const remembered = await this.flow.rememberedDevice(tenantId, user?.id, context, policy);
    // A wrong password for a user id the caller named counts against that user in risk's windows
    // (spraying: many IPs at one user); identity says nothing about whether the user exists, and
    // the answer below does not either.
    const namedUserId =
      passwordCheck === 'failed' && 'userId' in input.login ? input.login.userId : undefined;
    const risk = await this.flow.scoreRisk({
      tenantId,
      attemptId: id,
      userId: user?.id ?? namedUserId,
      clientIp: context.ip,
      userAgent: context.userAgent,
      deviceId: context.deviceId,
      deviceRemembered: remembered,
      passwordCheck,
    });
    const factors =
      !denial && user && risk.decision === 'challenge'
        ? await this.flow.activeFactors(tenantId, user.id)
        : [];
    const decision = decide(denial, risk, factors, policy);
    const now = this.flow.now();
    const attempt: AuthenticationRecord = {
      id,
      tenantId,
      // Who a denied attempt was for stays unsaid, so an unknown user reads like a wrong password.
      userId: decision.denialReason === 'INVALID_CREDENTIALS' ? undefined : user?.id,
      kind: 'sign_in',
      status: decision.status,
      denialReason: decision.denialReason,
      // Risk's reasons for a wrong password could tell a known user from an unknown one.
      risk: decision.denialReason === 'INVALID_CREDENTIALS' ? undefined : risk,
      factors: decision.status === 'CHALLENGE_REQUIRED' ? factors : [],
      amr: passwordCheck === 'passed' ? ['pwd'] : [],
      clientIp: context.ip,
      userAgent: context.userAgent,
      deviceId: context.deviceId,
      deviceRemembered: remembered,
      passwordChecked: passwordCheck !== 'not_checked',
      createdAt: now,
      expiresAt: new Date(now.getTime() + policy.authenticationLifetimeSeconds * 1000),
      completedAt: decision.status === 'CHALLENGE_REQUIRED' ? undefined : now,
    };
    const assertion = await this.flow.record(attempt, policy, namedUserId);
    return { authentication: attempt, assertion };
  }
}
