import { Controller, Get, Header, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { LOGGER, type Logger } from '@portcullis/observability';
import type { FastifyReply } from 'fastify';
import { toAuditEventMessage } from '../api/gateway.mapper';
import { exportAuditEventsSchema, verifyAuditLogSchema } from '../api/gateway.schemas';
import { Authorizer } from '../auth/authorizer';
import { ExportAuditEventsUseCase } from '../use-cases/export-audit-events/export-audit-events.use-case';
import { VerifyAuditLogUseCase } from '../use-cases/verify-audit-log/verify-audit-log.use-case';
import { bodyWithPath } from './body-with-path';
import { ndjsonStream } from './ndjson-stream';

/** A tenant's audit log: the NDJSON export and the hash-chain check. Admin scope. */
@Controller('v1/tenants/:tenantId/audit')
export class AuditHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly exportAuditEventsUseCase: ExportAuditEventsUseCase,
    private readonly verifyAuditLogUseCase: VerifyAuditLogUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * GET …/audit/export: one proto3-JSON AuditEvent per line, written as audit streams them. The
   * export contains personal data (client IPs), hence `no-store`.
   */
  @Get('export')
  @Header('content-type', 'application/x-ndjson; charset=utf-8')
  @Header('cache-control', 'no-store')
  async exportAuditEvents(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(exportAuditEventsSchema.http, bodyWithPath(query, { tenantId }));
    this.auth.authorize(principal, input.tenantId, 'admin');
    // The response closes when it is done or when the client goes away; either way audit's
    // stream has nothing left to send anyone.
    const closed = new AbortController();
    reply.raw.once('close', () => closed.abort());
    return ndjsonStream(
      this.exportAuditEventsUseCase.execute(input, closed.signal),
      (event) => gatewayV1.AuditEvent.toJSON(toAuditEventMessage(event)),
      (error, linesWritten) =>
        this.logger.error(
          { err: error, tenantId: input.tenantId, linesWritten },
          'audit export failed midway; the response was cut off',
        ),
    );
  }

  @Get('verify')
  async verifyAuditLog(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(verifyAuditLogSchema, { tenantId });
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.VerifyAuditLogResponse.toJSON({
      result: await this.verifyAuditLogUseCase.execute(input),
    });
  }
}
