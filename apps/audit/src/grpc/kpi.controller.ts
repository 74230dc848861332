import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { auditV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { GetKpiSettingsUseCase } from '../use-cases/get-kpi-settings/get-kpi-settings.use-case';
import { GetMfaKpisUseCase } from '../use-cases/get-mfa-kpis/get-mfa-kpis.use-case';
import { SetKpiSettingsUseCase } from '../use-cases/set-kpi-settings/set-kpi-settings.use-case';
import { toKpiSettingsMessage, toMfaKpisMessage } from './kpi.mapper';
import { getKpiSettingsSchema, getMfaKpisSchema, setKpiSettingsSchema } from './kpi.schemas';

/** The KPI RPCs of AuditService; the audit log's own RPCs are in audit.controller.ts. */
@Controller()
export class KpiGrpcController implements Pick<
  auditV1.AuditServiceController,
  'getMfaKpis' | 'getKpiSettings' | 'setKpiSettings'
> {
  constructor(
    private readonly getMfaKpisUseCase: GetMfaKpisUseCase,
    private readonly getKpiSettingsUseCase: GetKpiSettingsUseCase,
    private readonly setKpiSettingsUseCase: SetKpiSettingsUseCase,
  ) {}

  @GrpcMethod('AuditService', 'GetMfaKpis')
  async getMfaKpis(request: auditV1.GetMfaKpisRequest): Promise<auditV1.GetMfaKpisResponse> {
    const kpis = await this.getMfaKpisUseCase.execute(parseOrThrow(getMfaKpisSchema, request));
    return { kpis: toMfaKpisMessage(kpis) };
  }

  @GrpcMethod('AuditService', 'GetKpiSettings')
  async getKpiSettings(request: auditV1.GetKpiSettingsRequest): Promise<auditV1.GetKpiSettingsResponse> {
    const { tenantId } = parseOrThrow(getKpiSettingsSchema, request);
    return { settings: toKpiSettingsMessage(await this.getKpiSettingsUseCase.execute(tenantId)) };
  }

  @GrpcMethod('AuditService', 'SetKpiSettings')
  async setKpiSettings(request: auditV1.SetKpiSettingsRequest): Promise<auditV1.SetKpiSettingsResponse> {
    const settings = await this.setKpiSettingsUseCase.execute(parseOrThrow(setKpiSettingsSchema, request));
    return { settings: toKpiSettingsMessage(settings) };
  }
}
