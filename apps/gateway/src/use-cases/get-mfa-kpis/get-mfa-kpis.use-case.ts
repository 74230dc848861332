import { Injectable } from '@nestjs/common';
import type { auditV1 } from '@portcullis/contracts';
import { AuditReader, type KpiQuery } from '../../domain/ports';

@Injectable()
export class GetMfaKpisUseCase {
  constructor(private readonly audit: AuditReader) {}

  execute(input: KpiQuery): Promise<auditV1.MfaKpis> {
    return this.audit.getMfaKpis(input);
  }
}
