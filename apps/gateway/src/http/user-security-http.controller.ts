import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toUserMessage } from '../api/gateway.mapper';
import { toDeviceTokenInfo } from '../api/flow.mapper';
import { deviceTokenRefSchema, lockUserSchema, setPasswordSchema, userRefSchema } from '../api/flow.schemas';
import { Authorizer } from '../auth/authorizer';
import { actorOf } from '../auth/principal';
import { ListDeviceTokensUseCase } from '../use-cases/list-device-tokens/list-device-tokens.use-case';
import { LockUserUseCase } from '../use-cases/lock-user/lock-user.use-case';
import { RevokeDeviceTokenUseCase } from '../use-cases/revoke-device-token/revoke-device-token.use-case';
import { SetPasswordUseCase } from '../use-cases/set-password/set-password.use-case';
import { UnlockUserUseCase } from '../use-cases/unlock-user/unlock-user.use-case';
import { bodyWithPath } from './body-with-path';

/** A user's password, lock state and remembered devices. */
@Controller('v1/users/:userId')
export class UserSecurityHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly setPasswordUseCase: SetPasswordUseCase,
    private readonly lockUserUseCase: LockUserUseCase,
    private readonly unlockUserUseCase: UnlockUserUseCase,
    private readonly listDevicesUseCase: ListDeviceTokensUseCase,
    private readonly revokeDeviceUseCase: RevokeDeviceTokenUseCase,
  ) {}

  /** PUT /v1/users/{userId}/password — runtime scope. */
  @Put('password')
  @HttpCode(204)
  async setPassword(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(setPasswordSchema.http, bodyWithPath(body, { userId }));
    this.auth.authorize(principal, input.tenantId, 'runtime');
    await this.setPasswordUseCase.execute(input.tenantId, input.userId, input.password);
  }

  /** POST /v1/users/{userId}/lock — admin scope. */
  @Post('lock')
  @HttpCode(200)
  async lock(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(lockUserSchema.http, bodyWithPath(body, { userId }));
    this.auth.authorize(principal, input.tenantId, 'admin');
    const user = await this.lockUserUseCase.execute({ ...input, actor: actorOf(principal) });
    return gatewayV1.LockUserResponse.toJSON({ user: toUserMessage(user) });
  }

  /** POST /v1/users/{userId}/unlock — admin scope. */
  @Post('unlock')
  @HttpCode(200)
  async unlock(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(lockUserSchema.http, bodyWithPath(body, { userId }));
    this.auth.authorize(principal, input.tenantId, 'admin');
    const user = await this.unlockUserUseCase.execute({ ...input, actor: actorOf(principal) });
    return gatewayV1.UnlockUserResponse.toJSON({ user: toUserMessage(user) });
  }

  /** GET /v1/users/{userId}/devices?tenantId=… — runtime scope. */
  @Get('devices')
  async devices(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Query('tenantId') tenantId: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(userRefSchema.http, { tenantId, userId });
    this.auth.authorize(principal, input.tenantId, 'runtime');
    const tokens = await this.listDevicesUseCase.execute(input.tenantId, input.userId);
    return gatewayV1.ListDeviceTokensResponse.toJSON({ tokens: tokens.map(toDeviceTokenInfo) });
  }

  /** DELETE /v1/users/{userId}/devices/{tokenId}?tenantId=… — runtime scope. */
  @Delete('devices/:tokenId')
  async revokeDevice(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Param('tokenId') tokenId: string,
    @Query('tenantId') tenantId: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(deviceTokenRefSchema.http, { tenantId, userId, tokenId });
    this.auth.authorize(principal, input.tenantId, 'runtime');
    const token = await this.revokeDeviceUseCase.execute(input.tenantId, input.userId, input.tokenId);
    return gatewayV1.RevokeDeviceTokenResponse.toJSON({ token: toDeviceTokenInfo(token) });
  }
}
