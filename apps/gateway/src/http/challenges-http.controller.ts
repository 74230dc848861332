import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { startChallengeSchema, verifyChallengeSchema } from '../api/gateway.schemas';
import { Authorizer } from '../auth/authorizer';
import { StartChallengeUseCase } from '../use-cases/start-challenge/start-challenge.use-case';
import { VerifyChallengeUseCase } from '../use-cases/verify-challenge/verify-challenge.use-case';
import { bodyWithPath, endUserIpOf } from './body-with-path';

/** Challenges of one factor (or passwordless passkey challenges) and their verification. */
@Controller('v1/challenges')
export class ChallengesHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly startChallengeUseCase: StartChallengeUseCase,
    private readonly verifyChallengeUseCase: VerifyChallengeUseCase,
  ) {}

  /** POST /v1/challenges */
  @Post()
  @HttpCode(201)
  async start(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-end-user-ip') endUserIp: string | undefined,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(startChallengeSchema.strict(), bodyWithPath(body, endUserIpOf(endUserIp)));
    this.auth.authorize(principal, input.tenantId, 'runtime');
    return gatewayV1.StartChallengeResponse.toJSON(await this.startChallengeUseCase.execute(input));
  }

  /** POST /v1/challenges/{challengeId}/verify */
  @Post(':challengeId/verify')
  @HttpCode(200)
  async verify(
    @Headers('authorization') authorization: string | undefined,
    @Param('challengeId') challengeId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(verifyChallengeSchema.strict(), bodyWithPath(body, { challengeId }));
    this.auth.authorize(principal, input.tenantId, 'runtime');
    return gatewayV1.VerifyChallengeResponse.toJSON(await this.verifyChallengeUseCase.execute(input));
  }
}
