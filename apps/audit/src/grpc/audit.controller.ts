import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { auditV1 } from '@portcullis/contracts';
import { pulledStream } from '@portcullis/grpc';
import { parseOrThrow } from '@portcullis/errors';
import type { Observable } from 'rxjs';
import { ExportAuditEventsUseCase } from '../use-cases/export-audit-events/export-audit-events.use-case';
import { ListAuditEventsUseCase } from '../use-cases/list-audit-events/list-audit-events.use-case';
import { VerifyAuditChainUseCase } from '../use-cases/verify-audit-chain/verify-audit-chain.use-case';
import { toAuditEventMessage, toVerificationMessage } from './audit.mapper';
import { exportAuditEventsSchema, listAuditEventsSchema, verifyAuditChainSchema } from './audit.schemas';

/** The audit log's RPCs; the KPI RPCs of the same service are in kpi.controller.ts. */
@Controller()
export class AuditGrpcController implements Pick<
  auditV1.AuditServiceController,
  'listAuditEvents' | 'exportAuditEvents' | 'verifyAuditChain'
> {
  constructor(
    private readonly listAuditEventsUseCase: ListAuditEventsUseCase,
    private readonly exportAuditEventsUseCase: ExportAuditEventsUseCase,
    private readonly verifyAuditChainUseCase: VerifyAuditChainUseCase,
  ) {}

  @GrpcMethod('AuditService', 'ListAuditEvents')
  async listAuditEvents(request: auditV1.ListAuditEventsRequest): Promise<auditV1.ListAuditEventsResponse> {
    const page = await this.listAuditEventsUseCase.execute(parseOrThrow(listAuditEventsSchema, request));
    return { events: page.events.map(toAuditEventMessage), nextPageToken: page.nextPageToken ?? '' };
  }

  /**
   * Server streaming: the request is checked before the first event, so bad input is a plain
   * error; rows are read only as fast as the caller takes them (pulledStream), so a slow reader
   * costs no memory here.
   */
  @GrpcMethod('AuditService', 'ExportAuditEvents')
  exportAuditEvents(
    request: auditV1.ExportAuditEventsRequest,
    _metadata?: unknown,
    call?: ServerWritableStream<auditV1.ExportAuditEventsRequest, auditV1.ExportAuditEventsResponse>,
  ): Observable<auditV1.ExportAuditEventsResponse> {
    const filter = parseOrThrow(exportAuditEventsSchema, request);
    return pulledStream(
      call,
      () => Promise.resolve(this.exportAuditEventsUseCase.execute(filter)),
      (event) => ({ event: toAuditEventMessage(event) }),
    );
  }

  @GrpcMethod('AuditService', 'VerifyAuditChain')
  async verifyAuditChain(
    request: auditV1.VerifyAuditChainRequest,
  ): Promise<auditV1.VerifyAuditChainResponse> {
    return toVerificationMessage(
      await this.verifyAuditChainUseCase.execute(parseOrThrow(verifyAuditChainSchema, request)),
    );
  }
}
