import { Injectable } from '@nestjs/common';
import type { AuthPolicy } from '../../domain/auth-policy';
import { Clock, GatewayUnitOfWork } from '../../domain/ports';

@Injectable()
export class SetAuthPolicyUseCase {
  constructor(
    private readonly uow: GatewayUnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(tenantId: string, policy: AuthPolicy): Promise<AuthPolicy> {
    await this.uow.run((tx) => tx.authPolicies.save(tenantId, policy, this.clock.now()));
    return policy;
  }
}
