import { Injectable } from '@nestjs/common';
import type { AuditEventPageView } from '../../domain/model';
import { type AuditQuery, AuditReader } from '../../domain/ports';

@Injectable()
export class ListAuditEventsUseCase {
  constructor(private readonly audit: AuditReader) {}

  execute(input: AuditQuery): Promise<AuditEventPageView> {
    return this.audit.list(input);
  }
}
