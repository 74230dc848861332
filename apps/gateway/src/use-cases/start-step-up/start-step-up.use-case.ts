import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ActionDetails, AuthenticationRecord, ClientContext } from '../../domain/authentication';
import { AuthenticationFlow, denialOfStatus } from '../../flows/authentication-flow';
import { decide } from '../../flows/decide';
import type { StartedAuthentication } from '../start-authentication/start-authentication.use-case';

export interface StartStepUpInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly action: ActionDetails;
  readonly context: ClientContext;
}

/**
 * A step-up for a sensitive action of a signed-in user: risk scores the action (its type and
 * amount meet the tenant's step-up rules), the challenge shows what is being approved, and the
 * assertion carries a hash of the action's details, so it approves this action and no other.
 */
@Injectable()
export class StartStepUpUseCase {
  constructor(private readonly flow: AuthenticationFlow) {}

  async execute(input: StartStepUpInput): Promise<StartedAuthentication> {
    const { tenantId, userId, context, action } = input;
    const id = randomUUID();
    const policy = await this.flow.policy(tenantId);
    const user = await this.flow.currentUser(tenantId, userId);
    const denial = denialOfStatus(user);
    const remembered = await this.flow.rememberedDevice(tenantId, userId, context, policy);
    const risk = await this.flow.scoreRisk({
      tenantId,
      attemptId: id,
      userId,
      clientIp: context.ip,
      userAgent: context.userAgent,
      deviceId: context.deviceId,
      deviceRemembered: remembered,
      passwordCheck: 'not_checked',
      action,
    });
    const factors =
      !denial && risk.decision === 'challenge' ? await this.flow.activeFactors(tenantId, userId) : [];
    const decision = decide(denial, risk, factors, policy);
    const now = this.flow.now();
    const attempt: AuthenticationRecord = {
      id,
      tenantId,
      userId,
      kind: 'step_up',
      status: decision.status,
      denialReason: decision.denialReason,
      risk,
      factors: decision.status === 'CHALLENGE_REQUIRED' ? factors : [],
      action,
      amr: [],
      clientIp: context.ip,
      userAgent: context.userAgent,
      deviceId: context.deviceId,
      deviceRemembered: remembered,
      passwordChecked: false,
      createdAt: now,
      expiresAt: new Date(now.getTime() + policy.authenticationLifetimeSeconds * 1000),
      completedAt: decision.status === 'CHALLENGE_REQUIRED' ? undefined : now,
    };
    const assertion = await this.flow.record(attempt, policy);
    return { authentication: attempt, assertion };
  }
}
