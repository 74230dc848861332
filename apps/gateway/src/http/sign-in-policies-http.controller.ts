import { Body, Controller, Get, Headers, Param, Put } from '@nestjs/common';
import { gatewayV1, riskV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toAuthPolicyMessage } from '../api/flow.mapper';
import { setAuthPolicySchema, setRiskPolicySchema, tenantRefSchema } from '../api/flow.schemas';
import { Authorizer } from '../auth/authorizer';
import { GetAuthPolicyUseCase } from '../use-cases/get-auth-policy/get-auth-policy.use-case';
import { GetRiskPolicyUseCase } from '../use-cases/get-risk-policy/get-risk-policy.use-case';
import { SetAuthPolicyUseCase } from '../use-cases/set-auth-policy/set-auth-policy.use-case';
import { SetRiskPolicyUseCase } from '../use-cases/set-risk-policy/set-risk-policy.use-case';
import { bodyWithPath } from './body-with-path';

/** A tenant's sign-in policy (gateway) and risk policy (risk). Admin scope. */
@Controller('v1/tenants/:tenantId')
export class SignInPoliciesHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly getAuthPolicyUseCase: GetAuthPolicyUseCase,
    private readonly setAuthPolicyUseCase: SetAuthPolicyUseCase,
    private readonly getRiskPolicyUseCase: GetRiskPolicyUseCase,
    private readonly setRiskPolicyUseCase: SetRiskPolicyUseCase,
  ) {}

  @Get('auth-policy')
  async getAuthPolicy(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(tenantRefSchema.http, { tenantId });
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.GetAuthPolicyResponse.toJSON({
      policy: toAuthPolicyMessage(await this.getAuthPolicyUseCase.execute(input.tenantId)),
    });
  }

  @Put('auth-policy')
  async setAuthPolicy(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(setAuthPolicySchema.http, bodyWithPath(body, { tenantId }));
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.SetAuthPolicyResponse.toJSON({
      policy: toAuthPolicyMessage(await this.setAuthPolicyUseCase.execute(input.tenantId, input.policy)),
    });
  }

  @Get('risk-policy')
  async getRiskPolicy(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(tenantRefSchema.http, { tenantId });
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.GetRiskPolicyResponse.toJSON(await this.getRiskPolicyUseCase.execute(input.tenantId));
  }

  @Put('risk-policy')
  async setRiskPolicy(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(setRiskPolicySchema.http, bodyWithPath(body, { tenantId }));
    this.auth.authorize(principal, input.tenantId, 'admin');
    return gatewayV1.SetRiskPolicyResponse.toJSON(
      await this.setRiskPolicyUseCase.execute({
        tenantId: input.tenantId,
        policy: riskV1.RiskPolicy.fromJSON(input.policy),
      }),
    );
  }
}
