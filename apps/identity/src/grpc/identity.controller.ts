import { Controller } from '@nestjs/common';
import { identityV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { CreateTenantUseCase } from '../use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from '../use-cases/create-user/create-user.use-case';
import { DisableUserUseCase } from '../use-cases/disable-user/disable-user.use-case';
import { GetTenantUseCase } from '../use-cases/get-tenant/get-tenant.use-case';
import { GetUserUseCase } from '../use-cases/get-user/get-user.use-case';
import { LockUserUseCase } from '../use-cases/lock-user/lock-user.use-case';
import { SetPasswordUseCase } from '../use-cases/set-password/set-password.use-case';
import { UnlockUserUseCase } from '../use-cases/unlock-user/unlock-user.use-case';
import { VerifyPasswordUseCase } from '../use-cases/verify-password/verify-password.use-case';
import { toTenantMessage, toUserMessage, toVerifyPasswordResponse } from './identity.mapper';
import {
  createTenantSchema,
  createUserSchema,
  getTenantSchema,
  getUserSchema,
  setPasswordSchema,
  userStatusChangeSchema,
  verifyPasswordSchema,
} from './identity.schemas';

/** Thin: validate, call one use-case, map the result. Requests are never logged (passwords). */
@Controller()
@identityV1.IdentityServiceControllerMethods()
export class IdentityGrpcController implements identityV1.IdentityServiceController {
  constructor(
    private readonly createTenantUseCase: CreateTenantUseCase,
    private readonly getTenantUseCase: GetTenantUseCase,
    private readonly createUserUseCase: CreateUserUseCase,
    private readonly getUserUseCase: GetUserUseCase,
    private readonly setPasswordUseCase: SetPasswordUseCase,
    private readonly verifyPasswordUseCase: VerifyPasswordUseCase,
    private readonly lockUserUseCase: LockUserUseCase,
    private readonly unlockUserUseCase: UnlockUserUseCase,
    private readonly disableUserUseCase: DisableUserUseCase,
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
    const user = await this.getUserUseCase.execute(parseOrThrow(getUserSchema, request));
    return { user: toUserMessage(user) };
  }

  async setPassword(request: identityV1.SetPasswordRequest): Promise<identityV1.SetPasswordResponse> {
    await this.setPasswordUseCase.execute(parseOrThrow(setPasswordSchema, request));
    return {};
  }

  async verifyPassword(
    request: identityV1.VerifyPasswordRequest,
  ): Promise<identityV1.VerifyPasswordResponse> {
    const input = parseOrThrow(verifyPasswordSchema, request);
    return toVerifyPasswordResponse(await this.verifyPasswordUseCase.execute(input));
  }

  async lockUser(request: identityV1.LockUserRequest): Promise<identityV1.LockUserResponse> {
    const user = await this.lockUserUseCase.execute(parseOrThrow(userStatusChangeSchema, request));
    return { user: toUserMessage(user) };
  }

  async unlockUser(request: identityV1.UnlockUserRequest): Promise<identityV1.UnlockUserResponse> {
    const user = await this.unlockUserUseCase.execute(parseOrThrow(userStatusChangeSchema, request));
    return { user: toUserMessage(user) };
  }

  async disableUser(request: identityV1.DisableUserRequest): Promise<identityV1.DisableUserResponse> {
    const user = await this.disableUserUseCase.execute(parseOrThrow(userStatusChangeSchema, request));
    return { user: toUserMessage(user) };
  }
}
