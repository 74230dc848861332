import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';

export interface ResetFactorsInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly reason: string;
  /** Who asked, for the audit log: actorOf(principal), 'admin' or 'api_key:<id>'. */
  readonly actor: string;
}

@Injectable()
export class ResetFactorsUseCase {
  constructor(private readonly factors: FactorsDirectory) {}

  execute(input: ResetFactorsInput): Promise<factorsV1.ResetFactorsResponse> {
    return this.factors.resetFactors({
      tenantId: input.tenantId,
      userId: input.userId,
      reason: input.reason,
      actor: input.actor,
    });
  }
}
