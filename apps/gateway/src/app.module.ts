import { type DynamicModule, Module } from '@nestjs/common';
import { loggerProvider, type Logger } from '@portcullis/observability';
import { AdminAuthenticator } from './auth/admin-authenticator';
import { GrpcAuditReader } from './clients/audit.client';
import { GrpcIdentityDirectory } from './clients/identity.client';
import type { GatewayConfig } from './config/gateway.config';
import { AuditReader, IdentityDirectory } from './domain/ports';
import { GatewayGrpcController } from './grpc/gateway.controller';
import { AdminHttpController } from './http/admin-http.controller';
import { HealthHttpController } from './http/health-http.controller';
import { UsersHttpController } from './http/users-http.controller';
import { CreateTenantUseCase } from './use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from './use-cases/create-user/create-user.use-case';
import { GetUserUseCase } from './use-cases/get-user/get-user.use-case';
import { ListAuditEventsUseCase } from './use-cases/list-audit-events/list-audit-events.use-case';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [UsersHttpController, AdminHttpController, HealthHttpController, GatewayGrpcController],
      providers: [
        loggerProvider(logger),
        { provide: AdminAuthenticator, useValue: new AdminAuthenticator(config.GATEWAY_ADMIN_TOKEN) },
        {
          provide: IdentityDirectory,
          useFactory: () => new GrpcIdentityDirectory(config.IDENTITY_GRPC_URL, config.GRPC_DEADLINE_MS),
        },
        {
          provide: AuditReader,
          useFactory: () => new GrpcAuditReader(config.AUDIT_GRPC_URL, config.GRPC_DEADLINE_MS),
        },
        CreateTenantUseCase,
        CreateUserUseCase,
        GetUserUseCase,
        ListAuditEventsUseCase,
      ],
    };
  }
}
