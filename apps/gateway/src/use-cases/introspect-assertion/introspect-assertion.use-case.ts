import { Injectable } from '@nestjs/common';
import { isDomainError } from '@portcullis/errors';
import { AssertionSigner, type VerifiedAssertion } from '../../assertions';
import type { ActionDetails } from '../../domain/authentication';
import { Clock } from '../../domain/ports';

export type Introspection =
  | { readonly active: true; readonly assertion: VerifiedAssertion }
  | { readonly active: false; readonly errorCode: string };

/**
 * For backends that prefer asking to verifying: the same checks a backend would make with the
 * JWKS (signature, issuer, tenant audience, lifetime, the step-up action), answered as
 * active or not with the reason. Never an error for a bad token: that is an answer.
 */
@Injectable()
export class IntrospectAssertionUseCase {
  constructor(
    private readonly signer: AssertionSigner,
    private readonly clock: Clock,
  ) {}

  async execute(input: { tenantId: string; token: string; action?: ActionDetails }): Promise<Introspection> {
    try {
      const assertion = await this.signer.verify(input.token, {
        tenantId: input.tenantId,
        action: input.action,
        now: this.clock.now(),
      });
      return { active: true, assertion };
    } catch (error) {
      if (isDomainError(error)) return { active: false, errorCode: error.code };
      throw error;
    }
  }
}
