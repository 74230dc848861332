import { Injectable } from '@nestjs/common';
import type { FactorPolicy } from '../domain/factor-policy';
import { type FactorsTransaction, PolicyDefaultsProvider } from '../domain/ports';

/** A tenant's policy, or the defaults from settings when it has not set one. */
@Injectable()
export class FactorPolicies {
  constructor(private readonly defaults: PolicyDefaultsProvider) {}

  async of(tx: FactorsTransaction, tenantId: string): Promise<FactorPolicy> {
    return (await tx.policies.find(tenantId)) ?? this.defaults.policy();
  }
}
