import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toUserMessage } from '../api/gateway.mapper';
import { createUserSchema, getUserSchema } from '../api/gateway.schemas';
import { Authorizer } from '../auth/authorizer';
import { CreateUserUseCase } from '../use-cases/create-user/create-user.use-case';
import { GetUserUseCase } from '../use-cases/get-user/get-user.use-case';

@Controller('v1/users')
export class UsersHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly createUserUseCase: CreateUserUseCase,
    private readonly getUserUseCase: GetUserUseCase,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(createUserSchema.strict(), body);
    this.auth.authorize(principal, input.tenantId, 'runtime');
    const user = await this.createUserUseCase.execute(input);
    return gatewayV1.CreateUserResponse.toJSON({ user: toUserMessage(user) });
  }

  /** GET /v1/users/{userId}?tenantId=… */
  @Get(':userId')
  async get(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Query('tenantId') tenantId: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(getUserSchema, { tenantId, userId });
    this.auth.authorize(principal, input.tenantId, 'runtime');
    const user = await this.getUserUseCase.execute(input);
    return gatewayV1.GetUserResponse.toJSON({ user: toUserMessage(user) });
  }

  /** GET /v1/users?tenantId=…&externalId=… */
  @Get()
  async findByExternalId(
    @Headers('authorization') authorization: string | undefined,
    @Query('tenantId') tenantId: unknown,
    @Query('externalId') externalId: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(getUserSchema, { tenantId, externalId });
    this.auth.authorize(principal, input.tenantId, 'runtime');
    const user = await this.getUserUseCase.execute(input);
    return gatewayV1.GetUserResponse.toJSON({ user: toUserMessage(user) });
  }
}
