import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toAuditPageMessage, toTenantMessage, toUserMessage } from '../api/gateway.mapper';
import {
  createTenantSchema,
  createUserSchema,
  getUserSchema,
  listAuditEventsSchema,
  userLookupOf,
} from '../api/gateway.schemas';
import { AdminAuthenticator } from '../auth/admin-authenticator';
import { CreateTenantUseCase } from '../use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from '../use-cases/create-user/create-user.use-case';
import { GetUserUseCase } from '../use-cases/get-user/get-user.use-case';
import { ListAuditEventsUseCase } from '../use-cases/list-audit-events/list-audit-events.use-case';

const authorizationOf = (metadata: Metadata | undefined) => {
  const value = metadata?.get('authorization')[0];
  return typeof value === 'string' ? value : undefined;
};

/** The public gRPC API: the same use-cases and checks as the HTTP routes. */
@Controller()
@gatewayV1.GatewayServiceControllerMethods()
export class GatewayGrpcController implements gatewayV1.GatewayServiceController {
  constructor(
    private readonly auth: AdminAuthenticator,
    private readonly createTenantUseCase: CreateTenantUseCase,
    private readonly createUserUseCase: CreateUserUseCase,
    private readonly getUserUseCase: GetUserUseCase,
    private readonly listAuditEventsUseCase: ListAuditEventsUseCase,
  ) {}

  async createTenant(
    request: gatewayV1.CreateTenantRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.CreateTenantResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const tenant = await this.createTenantUseCase.execute(parseOrThrow(createTenantSchema, request));
    return { tenant: toTenantMessage(tenant) };
  }

  async createUser(
    request: gatewayV1.CreateUserRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.CreateUserResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const user = await this.createUserUseCase.execute(parseOrThrow(createUserSchema, request));
    return { user: toUserMessage(user) };
  }

  async getUser(request: gatewayV1.GetUserRequest, metadata?: Metadata): Promise<gatewayV1.GetUserResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const user = await this.getUserUseCase.execute(parseOrThrow(getUserSchema, userLookupOf(request)));
    return { user: toUserMessage(user) };
  }

  async listAuditEvents(
    request: gatewayV1.ListAuditEventsRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ListAuditEventsResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const page = await this.listAuditEventsUseCase.execute(parseOrThrow(listAuditEventsSchema, request));
    return toAuditPageMessage(page);
  }
}
