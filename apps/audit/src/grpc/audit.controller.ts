import { Controller } from '@nestjs/common';
import { auditV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { ListAuditEventsUseCase } from '../use-cases/list-audit-events/list-audit-events.use-case';
import { toAuditEventMessage } from './audit.mapper';
import { listAuditEventsSchema } from './audit.schemas';

@Controller()
@auditV1.AuditServiceControllerMethods()
export class AuditGrpcController implements auditV1.AuditServiceController {
  constructor(private readonly listAuditEventsUseCase: ListAuditEventsUseCase) {}

  async listAuditEvents(request: auditV1.ListAuditEventsRequest): Promise<auditV1.ListAuditEventsResponse> {
    const page = await this.listAuditEventsUseCase.execute(parseOrThrow(listAuditEventsSchema, request));
    return { events: page.events.map(toAuditEventMessage), nextPageToken: page.nextPageToken ?? '' };
  }
}
