import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';
import { UserStatusGuard } from '../../flows/user-status-guard';

export interface StartChallengeInput {
  readonly tenantId: string;
  /** Absent only for a passwordless passkey challenge. */
  readonly userId?: string | undefined;
  readonly factorId?: string | undefined;
  readonly authenticationId: string;
  readonly action?: string | undefined;
  readonly locale?: string | undefined;
  readonly clientIp?: string | undefined;
  readonly passwordless?: boolean | undefined;
}

@Injectable()
export class StartChallengeUseCase {
  constructor(
    private readonly factors: FactorsDirectory,
    private readonly users: UserStatusGuard,
  ) {}

  async execute(input: StartChallengeInput): Promise<factorsV1.StartChallengeResponse> {
    if (input.userId) await this.users.requireActive(input.tenantId, input.userId);
    return this.factors.startChallenge({
      tenantId: input.tenantId,
      userId: input.userId ?? '',
      factorId: input.factorId ?? '',
      authenticationId: input.authenticationId,
      action: input.action ?? '',
      locale: input.locale ?? '',
      passwordless: input.passwordless ?? false,
      clientIp: input.clientIp ?? '',
    });
  }
}
