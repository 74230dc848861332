import { Injectable } from '@nestjs/common';
import type { AuthPolicy } from '../../domain/auth-policy';
import { AuthenticationFlow } from '../../flows/authentication-flow';

@Injectable()
export class GetAuthPolicyUseCase {
  constructor(private readonly flow: AuthenticationFlow) {}

  execute(tenantId: string): Promise<AuthPolicy> {
    return this.flow.policy(tenantId);
  }
}
