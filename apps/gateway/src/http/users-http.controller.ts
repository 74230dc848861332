import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toUserMessage } from '../api/gateway.mapper';
import { createUserSchema, getUserSchema } from '../api/gateway.schemas';
import { AdminAuthenticator } from '../auth/admin-authenticator';
import { CreateUserUseCase } from '../use-cases/create-user/create-user.use-case';
import { GetUserUseCase } from '../use-cases/get-user/get-user.use-case';

@Controller('v1/users')
export class UsersHttpController {
  constructor(
    private readonly auth: AdminAuthenticator,
    private readonly createUserUseCase: CreateUserUseCase,
    private readonly getUserUseCase: GetUserUseCase,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    this.auth.requireAdmin(authorization);
    const user = await this.createUserUseCase.execute(parseOrThrow(createUserSchema.strict(), body));
    return gatewayV1.CreateUserResponse.toJSON({ user: toUserMessage(user) });
  }

  /** GET /v1/users/{userId}?tenantId=… */
  @Get(':userId')
  async get(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Query('tenantId') tenantId: unknown,
  ) {
    this.auth.requireAdmin(authorization);
    const user = await this.getUserUseCase.execute(parseOrThrow(getUserSchema, { tenantId, userId }));
    return gatewayV1.GetUserResponse.toJSON({ user: toUserMessage(user) });
  }

  /** GET /v1/users?tenantId=…&externalId=… */
  @Get()
  async findByExternalId(
    @Headers('authorization') authorization: string | undefined,
    @Query('tenantId') tenantId: unknown,
    @Query('externalId') externalId: unknown,
  ) {
    this.auth.requireAdmin(authorization);
    const user = await this.getUserUseCase.execute(parseOrThrow(getUserSchema, { tenantId, externalId }));
    return gatewayV1.GetUserResponse.toJSON({ user: toUserMessage(user) });
  }
}
