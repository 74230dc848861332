import { Controller } from '@nestjs/common';
import { identityV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { CreateTenantUseCase } from '../use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from '../use-cases/create-user/create-user.use-case';
import { GetTenantUseCase } from '../use-cases/get-tenant/get-tenant.use-case';
import { GetUserUseCase } from '../use-cases/get-user/get-user.use-case';
import { toTenantMessage, toUserMessage } from './identity.mapper';
import {
  createTenantSchema,
  createUserSchema,
  getTenantSchema,
  getUserInput,
  getUserSchema,
} from './identity.schemas';

/** Thin: validate, call one use-case, map the result. */
@Controller()
@identityV1.IdentityServiceControllerMethods()
export class IdentityGrpcController implements identityV1.IdentityServiceController {
  constructor(
    private readonly createTenantUseCase: CreateTenantUseCase,
    private readonly getTenantUseCase: GetTenantUseCase,
    private readonly createUserUseCase: CreateUserUseCase,
    private readonly getUserUseCase: GetUserUseCase,
  ) {}

  async createTenant(request: identityV1.CreateTenantRequest): Promise<identityV1.CreateTenantResponse> {
    const tenant = await this.createTenantUseCase.execute(parseOrThrow(createTenantSchema, request));
    return { tenant: toTenantMessage(tenant) };
  }

  async getTenant(request: identityV1.GetTenantRequest): Promise<identityV1.GetTenantResponse> {
    const tenant = await this.getTenantUseCase.execute(parseOrThrow(getTenantSchema, request));
    return { tenant: toTenantMessage(tenant) };
  }

  async createUser(request: identityV1.CreateUserRequest): Promise<identityV1.CreateUserResponse> {
    const user = await this.createUserUseCase.execute(parseOrThrow(createUserSchema, request));
    return { user: toUserMessage(user) };
  }

  async getUser(request: identityV1.GetUserRequest): Promise<identityV1.GetUserResponse> {
    const user = await this.getUserUseCase.execute(parseOrThrow(getUserSchema, getUserInput(request)));
    return { user: toUserMessage(user) };
  }
}
