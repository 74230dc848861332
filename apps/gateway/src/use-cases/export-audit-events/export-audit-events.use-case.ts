import { Injectable } from '@nestjs/common';
import type { AuditEventView } from '../../domain/model';
import { type AuditFilter, AuditReader } from '../../domain/ports';

@Injectable()
export class ExportAuditEventsUseCase {
  constructor(private readonly audit: AuditReader) {}

  /**
   * Every matching event, oldest first, pulled one at a time as the edge writes them out. The
   * edge aborts `signal` when its client goes away, which cancels the stream from audit.
   */
  execute(input: AuditFilter, signal?: AbortSignal): AsyncIterable<AuditEventView> {
    return this.audit.export(input, signal);
  }
}
