import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';

export interface VerifyChallengeInput {
  readonly tenantId: string;
  readonly challengeId: string;
  readonly authenticationId: string;
  readonly proof: factorsV1.Proof;
}

@Injectable()
export class VerifyChallengeUseCase {
  constructor(private readonly factors: FactorsDirectory) {}

  execute(input: VerifyChallengeInput): Promise<factorsV1.VerifyChallengeResponse> {
    return this.factors.verifyChallenge({
      tenantId: input.tenantId,
      challengeId: input.challengeId,
      authenticationId: input.authenticationId,
      proof: input.proof,
    });
  }
}
