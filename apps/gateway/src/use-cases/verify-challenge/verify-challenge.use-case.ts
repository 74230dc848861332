import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';
import { UserStatusGuard } from '../../flows/user-status-guard';

export interface VerifyChallengeInput {
  readonly tenantId: string;
  readonly challengeId: string;
  readonly authenticationId: string;
  readonly proof: factorsV1.Proof;
}

@Injectable()
export class VerifyChallengeUseCase {
  constructor(
    private readonly factors: FactorsDirectory,
    private readonly users: UserStatusGuard,
  ) {}

  /** The answer is checked first (a passwordless challenge names its user only then). */
  async execute(input: VerifyChallengeInput): Promise<factorsV1.VerifyChallengeResponse> {
    const verified = await this.factors.verifyChallenge({
      tenantId: input.tenantId,
      challengeId: input.challengeId,
      authenticationId: input.authenticationId,
      proof: input.proof,
    });
    await this.users.requireActive(input.tenantId, verified.userId);
    return verified;
  }
}
