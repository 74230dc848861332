import { Injectable } from '@nestjs/common';
import type { auditV1 } from '@portcullis/contracts';
import { AuditReader } from '../../domain/ports';

@Injectable()
export class VerifyAuditLogUseCase {
  constructor(private readonly audit: AuditReader) {}

  execute(input: { readonly tenantId: string }): Promise<auditV1.VerifyAuditChainResponse> {
    return this.audit.verifyChain(input.tenantId);
  }
}
