import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@portcullis/contracts';
import { kafkaProviders, outboxProviders } from '@portcullis/messaging';
import { loggerProvider, readinessProvider, type Logger } from '@portcullis/observability';
import { persistenceProviders } from '@portcullis/persistence';
import { AUTH_CONTROLLERS, authProviders } from './auth/auth.providers';
import { GrpcAuditReader } from './clients/audit.client';
import { GrpcFactorsDirectory } from './clients/factors.client';
import { GrpcIdentityDirectory } from './clients/identity.client';
import type { GatewayConfig } from './config/gateway.config';
import { AuditReader, FactorsDirectory, IdentityDirectory } from './domain/ports';
import { FLOW_CONTROLLERS, flowProviders } from './flows/flow.providers';
import { FlowsGrpcController } from './grpc/flows.controller';
import { GatewayGrpcController } from './grpc/gateway.controller';
import { AdminHttpController } from './http/admin-http.controller';
import { AuditHttpController } from './http/audit-http.controller';
import { ChallengesHttpController } from './http/challenges-http.controller';
import { DashboardHttpController } from './http/dashboard-http.controller';
import { DemoHttpController } from './http/demo-http.controller';
import { FactorPolicyHttpController } from './http/factor-policy-http.controller';
import { FactorsHttpController } from './http/factors-http.controller';
import { HealthHttpController } from './http/health-http.controller';
import { KpisHttpController } from './http/kpis-http.controller';
import { UsersHttpController } from './http/users-http.controller';
import { OPENAPI_CONTROLLERS } from './openapi/openapi-http.controller';
import { GATEWAY_MIGRATIONS } from './persistence/migrations';
import { ActivateFactorUseCase } from './use-cases/activate-factor/activate-factor.use-case';
import { BeginFactorEnrollmentUseCase } from './use-cases/begin-factor-enrollment/begin-factor-enrollment.use-case';
import { CreateTenantUseCase } from './use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from './use-cases/create-user/create-user.use-case';
import { ExportAuditEventsUseCase } from './use-cases/export-audit-events/export-audit-events.use-case';
import { GetFactorPolicyUseCase } from './use-cases/get-factor-policy/get-factor-policy.use-case';
import { GetKpiSettingsUseCase } from './use-cases/get-kpi-settings/get-kpi-settings.use-case';
import { GetMfaKpisUseCase } from './use-cases/get-mfa-kpis/get-mfa-kpis.use-case';
import { GetUserUseCase } from './use-cases/get-user/get-user.use-case';
import { ListAuditEventsUseCase } from './use-cases/list-audit-events/list-audit-events.use-case';
import { ListFactorsUseCase } from './use-cases/list-factors/list-factors.use-case';
import { RemoveFactorUseCase } from './use-cases/remove-factor/remove-factor.use-case';
import { ResetFactorsUseCase } from './use-cases/reset-factors/reset-factors.use-case';
import { SetFactorPolicyUseCase } from './use-cases/set-factor-policy/set-factor-policy.use-case';
import { SetKpiSettingsUseCase } from './use-cases/set-kpi-settings/set-kpi-settings.use-case';
import { StartChallengeUseCase } from './use-cases/start-challenge/start-challenge.use-case';
import { UpdateFactorUseCase } from './use-cases/update-factor/update-factor.use-case';
import { VerifyAuditLogUseCase } from './use-cases/verify-audit-log/verify-audit-log.use-case';
import { VerifyChallengeUseCase } from './use-cases/verify-challenge/verify-challenge.use-case';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [
        UsersHttpController,
        FactorsHttpController,
        ChallengesHttpController,
        FactorPolicyHttpController,
        AdminHttpController,
        AuditHttpController,
        KpisHttpController,
        HealthHttpController,
        DemoHttpController,
        DashboardHttpController,
        ...AUTH_CONTROLLERS,
        ...FLOW_CONTROLLERS,
        ...OPENAPI_CONTROLLERS,
        GatewayGrpcController,
        FlowsGrpcController,
      ],
      providers: [
        loggerProvider(logger),
        readinessProvider({
          intervalMs: config.READINESS_CHECK_INTERVAL_MS,
          timeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
        ...persistenceProviders(
          {
            serverUrl: config.DATABASE_URL,
            database: config.DATABASE_NAME,
            entities: [],
            migrations: GATEWAY_MIGRATIONS,
            applicationName: 'gateway',
          },
          config.MIGRATE_ON_BOOT,
        ),
        ...kafkaProviders({
          clientId: 'gateway',
          brokers: config.KAFKA_BROKERS,
          topics: [TOPICS.gatewayEvents],
          faultPoints: config.FAULT_POINTS,
        }),
        ...outboxProviders({
          pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
          serverUrl: config.DATABASE_URL,
          database: config.DATABASE_NAME,
        }),
        ...authProviders(config),
        {
          provide: IdentityDirectory,
          useFactory: () => new GrpcIdentityDirectory(config.IDENTITY_GRPC_URL, config.GRPC_DEADLINE_MS),
        },
        {
          provide: AuditReader,
          useFactory: () => new GrpcAuditReader(config.AUDIT_GRPC_URL, config.GRPC_DEADLINE_MS),
        },
        {
          provide: FactorsDirectory,
          useFactory: () => new GrpcFactorsDirectory(config.FACTORS_GRPC_URL, config.GRPC_DEADLINE_MS),
        },
        ...flowProviders(config),
        CreateTenantUseCase,
        CreateUserUseCase,
        GetUserUseCase,
        ListAuditEventsUseCase,
        ExportAuditEventsUseCase,
        VerifyAuditLogUseCase,
        GetMfaKpisUseCase,
        GetKpiSettingsUseCase,
        SetKpiSettingsUseCase,
        BeginFactorEnrollmentUseCase,
        ActivateFactorUseCase,
        ListFactorsUseCase,
        UpdateFactorUseCase,
        RemoveFactorUseCase,
        ResetFactorsUseCase,
        StartChallengeUseCase,
        VerifyChallengeUseCase,
        GetFactorPolicyUseCase,
        SetFactorPolicyUseCase,
      ],
    };
  }
}
