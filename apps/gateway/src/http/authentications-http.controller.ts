import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toAssertionMessage, toAuthenticationMessage, toDeviceTokenMessage } from '../api/flow.mapper';
import {
  authenticationRefSchema,
  startAuthenticationChallengeSchema,
  startAuthenticationSchema,
  startPasswordlessSchema,
  startStepUpSchema,
  verifyAuthenticationSchema,
} from '../api/flow.schemas';
import { Authorizer } from '../auth/authorizer';
import { GetAuthenticationUseCase } from '../use-cases/get-authentication/get-authentication.use-case';
import { StartAuthenticationChallengeUseCase } from '../use-cases/start-authentication-challenge/start-authentication-challenge.use-case';
import { StartAuthenticationUseCase } from '../use-cases/start-authentication/start-authentication.use-case';
import { StartPasswordlessUseCase } from '../use-cases/start-passwordless/start-passwordless.use-case';
import { StartStepUpUseCase } from '../use-cases/start-step-up/start-step-up.use-case';
import { VerifyAuthenticationUseCase } from '../use-cases/verify-authentication/verify-authentication.use-case';
import { bodyWithPath } from './body-with-path';

/** Sign-ins, step-ups and passwordless sign-ins: start, challenge, verify, status. Runtime scope. */
@Controller('v1')
export class AuthenticationsHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly startAuthenticationUseCase: StartAuthenticationUseCase,
    private readonly startStepUpUseCase: StartStepUpUseCase,
    private readonly startPasswordlessUseCase: StartPasswordlessUseCase,
    private readonly getAuthenticationUseCase: GetAuthenticationUseCase,
    private readonly startChallengeUseCase: StartAuthenticationChallengeUseCase,
    private readonly verifyUseCase: VerifyAuthenticationUseCase,
  ) {}

  /** POST /v1/authentications */
  @Post('authentications')
  @HttpCode(201)
  async start(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(startAuthenticationSchema.http, body);
    this.auth.authorize(principal, input.tenantId, 'runtime');
    this.auth.limitEndUserIp(input.tenantId, input.context.ip);
    const started = await this.startAuthenticationUseCase.execute(input);
    return gatewayV1.StartAuthenticationResponse.toJSON({
      authentication: toAuthenticationMessage(started.authentication),
      assertion: toAssertionMessage(started.assertion),
    });
  }

  /** POST /v1/step-ups */
  @Post('step-ups')
  @HttpCode(201)
  async stepUp(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(startStepUpSchema.http, body);
    this.auth.authorize(principal, input.tenantId, 'runtime');
    this.auth.limitEndUserIp(input.tenantId, input.context.ip);
    const started = await this.startStepUpUseCase.execute(input);
    return gatewayV1.StartStepUpResponse.toJSON({
      authentication: toAuthenticationMessage(started.authentication),
      assertion: toAssertionMessage(started.assertion),
    });
  }

  /** POST /v1/passwordless */
  @Post('passwordless')
  @HttpCode(201)
  async passwordless(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(startPasswordlessSchema.http, body);
    this.auth.authorize(principal, input.tenantId, 'runtime');
    this.auth.limitEndUserIp(input.tenantId, input.context.ip);
    const started = await this.startPasswordlessUseCase.execute(input);
    return gatewayV1.StartPasswordlessResponse.toJSON({
      authentication: toAuthenticationMessage(started.authentication),
      challengeId: started.challengeId,
      requestOptionsJson: started.requestOptionsJson,
    });
  }

  /** GET /v1/authentications/{authenticationId}?tenantId=… */
  @Get('authentications/:authenticationId')
  async get(
    @Headers('authorization') authorization: string | undefined,
    @Param('authenticationId') authenticationId: string,
    @Query('tenantId') tenantId: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(authenticationRefSchema.http, { tenantId, authenticationId });
    this.auth.authorize(principal, input.tenantId, 'runtime');
    const found = await this.getAuthenticationUseCase.execute(input.tenantId, input.authenticationId);
    return gatewayV1.GetAuthenticationResponse.toJSON({ authentication: toAuthenticationMessage(found) });
  }

  /** POST /v1/authentications/{authenticationId}/challenges */
  @Post('authentications/:authenticationId/challenges')
  @HttpCode(201)
  async challenge(
    @Headers('authorization') authorization: string | undefined,
    @Param('authenticationId') authenticationId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(
      startAuthenticationChallengeSchema.http,
      bodyWithPath(body, { authenticationId }),
    );
    this.auth.authorize(principal, input.tenantId, 'runtime');
    const c = await this.startChallengeUseCase.execute(input);
    return gatewayV1.StartAuthenticationChallengeResponse.toJSON({
      challengeId: c.challengeId,
      factorId: c.factorId,
      type: c.type,
      expireTime: c.expireTime,
      destinationHint: c.destinationHint,
      requestOptionsJson: c.requestOptionsJson,
    });
  }

  /** POST /v1/authentications/{authenticationId}/verify */
  @Post('authentications/:authenticationId/verify')
  @HttpCode(200)
  async verify(
    @Headers('authorization') authorization: string | undefined,
    @Param('authenticationId') authenticationId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(verifyAuthenticationSchema.http, bodyWithPath(body, { authenticationId }));
    this.auth.authorize(principal, input.tenantId, 'runtime');
    const done = await this.verifyUseCase.execute(input);
    return gatewayV1.VerifyAuthenticationResponse.toJSON({
      authentication: toAuthenticationMessage(done.authentication),
      assertion: toAssertionMessage(done.assertion),
      deviceToken: toDeviceTokenMessage(done.deviceToken),
    });
  }
}
