import { Body, Controller, Get, Headers, Param, Put, Query } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { getKpiSettingsSchema, getMfaKpisSchema, setKpiSettingsSchema } from '../api/gateway.schemas';
import { Authorizer } from '../auth/authorizer';
import { GetKpiSettingsUseCase } from '../use-cases/get-kpi-settings/get-kpi-settings.use-case';
import { GetMfaKpisUseCase } from '../use-cases/get-mfa-kpis/get-mfa-kpis.use-case';
import { SetKpiSettingsUseCase } from '../use-cases/set-kpi-settings/set-kpi-settings.use-case';
import { bodyWithPath } from './body-with-path';

/**
 * A tenant's MFA KPIs and the settings of their ROI. Admin scope. The dashboard reads
 * GET …/kpis with an admin key: keep its path and its proto3 JSON shape.
 */
@Controller('v1/tenants/:tenantId')
export class KpisHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly getMfaKpisUseCase: GetMfaKpisUseCase,
    private readonly getKpiSettingsUseCase: GetKpiSettingsUseCase,
    private readonly setKpiSettingsUseCase: SetKpiSettingsUseCase,
  ) {}

  @Get('kpis')
  async getMfaKpis(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
    @Query() query: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(getMfaKpisSchema.http, bodyWithPath(query, { tenantId }));
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.GetMfaKpisResponse.toJSON({ kpis: await this.getMfaKpisUseCase.execute(input) });
  }

  @Get('kpi-settings')
  async getKpiSettings(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(getKpiSettingsSchema, { tenantId });
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.GetKpiSettingsResponse.toJSON({
      settings: await this.getKpiSettingsUseCase.execute(input),
    });
  }

  /** PUT …/kpi-settings with the settings themselves as the body: `{lossValuePerTakeover, currency}`. */
  @Put('kpi-settings')
  async setKpiSettings(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(setKpiSettingsSchema.http, bodyWithPath(body, { tenantId }));
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.SetKpiSettingsResponse.toJSON({
      settings: await this.setKpiSettingsUseCase.execute(input),
    });
  }
}
