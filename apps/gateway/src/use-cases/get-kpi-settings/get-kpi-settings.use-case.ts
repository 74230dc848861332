import { Injectable } from '@nestjs/common';
import type { auditV1 } from '@portcullis/contracts';
import { AuditReader } from '../../domain/ports';

@Injectable()
export class GetKpiSettingsUseCase {
  constructor(private readonly audit: AuditReader) {}

  execute(input: { readonly tenantId: string }): Promise<auditV1.KpiSettings> {
    return this.audit.getKpiSettings(input.tenantId);
  }
}
