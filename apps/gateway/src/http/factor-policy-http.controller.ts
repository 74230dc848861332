import { Body, Controller, Get, Headers, Param, Put } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { getFactorPolicySchema, setFactorPolicySchema } from '../api/gateway.schemas';
import { Authorizer } from '../auth/authorizer';
import { GetFactorPolicyUseCase } from '../use-cases/get-factor-policy/get-factor-policy.use-case';
import { SetFactorPolicyUseCase } from '../use-cases/set-factor-policy/set-factor-policy.use-case';

/** A tenant's factor policy. The PUT body is the FactorPolicy itself, in proto3 JSON. */
@Controller('v1/tenants/:tenantId/factor-policy')
export class FactorPolicyHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly getFactorPolicyUseCase: GetFactorPolicyUseCase,
    private readonly setFactorPolicyUseCase: SetFactorPolicyUseCase,
  ) {}

  @Get()
  async get(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(getFactorPolicySchema, { tenantId });
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.GetFactorPolicyResponse.toJSON(await this.getFactorPolicyUseCase.execute(input));
  }

  @Put()
  async set(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(setFactorPolicySchema, { tenantId, policy: body });
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.SetFactorPolicyResponse.toJSON(await this.setFactorPolicyUseCase.execute(input));
  }
}
