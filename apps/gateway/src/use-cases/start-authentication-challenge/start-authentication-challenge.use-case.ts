import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { DomainError } from '@portcullis/errors';
import { describeAction } from '../../domain/authentication';
import { FactorsDirectory } from '../../domain/ports';
import { AuthenticationFlow, FlowErrorCodes } from '../../flows/authentication-flow';
import { PendingAuthentications } from '../../flows/pending-authentications';

export interface StartAuthenticationChallengeInput {
  readonly tenantId: string;
  readonly authenticationId: string;
  readonly factorId: string;
  readonly locale: string;
}

/**
 * Sends a code (SMS, voice, email) or prepares a passkey or TOTP challenge for one of the factors
 * the authentication offered: only those, and only while it is pending and its user may sign in.
 * A step-up's message says what is being approved (dynamic linking).
 */
@Injectable()
export class StartAuthenticationChallengeUseCase {
  constructor(
    private readonly pending: PendingAuthentications,
    private readonly factors: FactorsDirectory,
    private readonly flow: AuthenticationFlow,
  ) {}

  async execute(input: StartAuthenticationChallengeInput): Promise<factorsV1.StartChallengeResponse> {
    const attempt = await this.pending.get(input.tenantId, input.authenticationId);
    if (attempt.kind === 'passwordless' || !attempt.factors.some((f) => f.factorId === input.factorId)) {
      throw new DomainError(
        'FAILED_PRECONDITION',
        FlowErrorCodes.FACTOR_NOT_OFFERED,
        'This factor is not one the authentication offered',
      );
    }
    await this.pending.requireActiveUser(
      attempt,
      await this.flow.currentUser(attempt.tenantId, attempt.userId!),
    );
    return this.factors.startChallenge({
      tenantId: attempt.tenantId,
      userId: attempt.userId!,
      factorId: input.factorId,
      authenticationId: attempt.id,
      action: attempt.action ? describeAction(attempt.action) : '',
      locale: input.locale,
      passwordless: false,
      clientIp: attempt.clientIp ?? '',
    });
  }
}
