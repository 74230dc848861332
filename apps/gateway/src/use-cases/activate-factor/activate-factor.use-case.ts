import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';
import { UserStatusGuard } from '../../flows/user-status-guard';

export interface ActivateFactorInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly enrollmentId: string;
  readonly proof: factorsV1.Proof;
}

@Injectable()
export class ActivateFactorUseCase {
  constructor(
    private readonly factors: FactorsDirectory,
    private readonly users: UserStatusGuard,
  ) {}

  async execute(input: ActivateFactorInput): Promise<factorsV1.ActivateFactorResponse> {
    await this.users.requireActive(input.tenantId, input.userId);
    return this.factors.activateFactor({
      tenantId: input.tenantId,
      userId: input.userId,
      enrollmentId: input.enrollmentId,
      proof: input.proof,
    });
  }
}
