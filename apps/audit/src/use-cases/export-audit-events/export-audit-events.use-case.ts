import { Injectable } from '@nestjs/common';
import type { AuditEvent, AuditFilter } from '../../domain/audit-event';
import { AuditLog } from '../../domain/ports';

/** Every event matching a filter, oldest first, read page by page (memory stays flat). */
@Injectable()
export class ExportAuditEventsUseCase {
  constructor(private readonly log: AuditLog) {}

  execute(filter: AuditFilter): AsyncIterable<AuditEvent> {
    return this.log.export(filter);
  }
}
