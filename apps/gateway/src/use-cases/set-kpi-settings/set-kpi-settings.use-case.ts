import { Injectable } from '@nestjs/common';
import type { auditV1 } from '@portcullis/contracts';
import { AuditReader } from '../../domain/ports';

@Injectable()
export class SetKpiSettingsUseCase {
  constructor(private readonly audit: AuditReader) {}

  /** Replaces the settings; audit checks the amount and the currency (ISO 4217). */
  execute(input: {
    readonly tenantId: string;
    readonly settings: auditV1.KpiSettings;
  }): Promise<auditV1.KpiSettings> {
    return this.audit.setKpiSettings(input.tenantId, input.settings);
  }
}
