import { Body, Controller, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toAuditPageMessage, toTenantMessage } from '../api/gateway.mapper';
import { createTenantSchema, listAuditEventsSchema } from '../api/gateway.schemas';
import { Authorizer } from '../auth/authorizer';
import { CreateTenantUseCase } from '../use-cases/create-tenant/create-tenant.use-case';
import { ListAuditEventsUseCase } from '../use-cases/list-audit-events/list-audit-events.use-case';

@Controller('v1')
export class AdminHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly createTenantUseCase: CreateTenantUseCase,
    private readonly listAuditEventsUseCase: ListAuditEventsUseCase,
  ) {}

  @Post('tenants')
  @HttpCode(201)
  async createTenant(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(createTenantSchema.strict(), body);
    this.auth.authorize(principal, undefined, 'operator');
    const tenant = await this.createTenantUseCase.execute(input);
    return gatewayV1.CreateTenantResponse.toJSON({ tenant: toTenantMessage(tenant) });
  }

  @Get('audit/events')
  async listAuditEvents(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(listAuditEventsSchema.http, query);
    this.auth.authorize(principal, input.tenantId, 'admin');
    const page = await this.listAuditEventsUseCase.execute(input);
    return gatewayV1.ListAuditEventsResponse.toJSON(toAuditPageMessage(page));
  }
}
