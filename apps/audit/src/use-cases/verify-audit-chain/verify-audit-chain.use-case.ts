import { Injectable } from '@nestjs/common';
import type { ChainVerification } from '../../domain/hash-chain';
import { AuditLog } from '../../domain/ports';

/** Recomputes a tenant's chain from its start (or the last link retention dropped) to its head. */
@Injectable()
export class VerifyAuditChainUseCase {
  constructor(private readonly log: AuditLog) {}

  execute(input: { readonly tenantId: string }): Promise<ChainVerification> {
    return this.log.verify(input.tenantId);
  }
}
