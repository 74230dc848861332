import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthenticationRecord, ClientContext } from '../../domain/authentication';
import { FactorsDirectory } from '../../domain/ports';
import { AuthenticationFlow } from '../../flows/authentication-flow';

export interface StartedPasswordless {
  readonly authentication: AuthenticationRecord;
  readonly challengeId: string;
  readonly requestOptionsJson: string;
}

/**
 * A passwordless sign-in: a discoverable-credential challenge names nobody; the passkey's answer
 * identifies the user, and risk scores the attempt then (VerifyAuthentication).
 */
@Injectable()
export class StartPasswordlessUseCase {
  constructor(
    private readonly flow: AuthenticationFlow,
    private readonly factors: FactorsDirectory,
  ) {}

  async execute(input: { tenantId: string; context: ClientContext }): Promise<StartedPasswordless> {
    const { tenantId, context } = input;
    const id = randomUUID();
    const policy = await this.flow.policy(tenantId);
    const challenge = await this.factors.startChallenge({
      tenantId,
      userId: '',
      factorId: '',
      authenticationId: id,
      action: '',
      locale: 'en',
      passwordless: true,
      clientIp: context.ip ?? '',
    });
    const now = this.flow.now();
    const attempt: AuthenticationRecord = {
      id,
      tenantId,
      kind: 'passwordless',
      status: 'CHALLENGE_REQUIRED',
      factors: [],
      amr: [],
      clientIp: context.ip,
      userAgent: context.userAgent,
      deviceId: context.deviceId,
      deviceRemembered: false,
      passwordChecked: false,
      challengeId: challenge.challengeId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + policy.authenticationLifetimeSeconds * 1000),
    };
    await this.flow.record(attempt, policy);
    return {
      authentication: attempt,
      challengeId: challenge.challengeId,
      requestOptionsJson: challenge.requestOptionsJson,
    };
  }
}
