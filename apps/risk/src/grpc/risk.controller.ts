import { Controller } from '@nestjs/common';
import { riskV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { GetRiskPolicyUseCase } from '../use-cases/get-risk-policy/get-risk-policy.use-case';
import { GetRiskStatusUseCase } from '../use-cases/get-risk-status/get-risk-status.use-case';
import { ScoreAttemptUseCase } from '../use-cases/score-attempt/score-attempt.use-case';
import { SetRiskPolicyUseCase } from '../use-cases/set-risk-policy/set-risk-policy.use-case';
import { toPolicyResponse, toScoreResponse, toStatusResponse } from './risk.mapper';
import { scoreAttemptSchema, setPolicySchema, tenantOnlySchema } from './risk.schemas';

/** Thin: validate, call one use-case, map the result. */
@Controller()
@riskV1.RiskServiceControllerMethods()
export class RiskGrpcController implements riskV1.RiskServiceController {
  constructor(
    private readonly scoreAttemptUseCase: ScoreAttemptUseCase,
    private readonly getRiskPolicyUseCase: GetRiskPolicyUseCase,
    private readonly setRiskPolicyUseCase: SetRiskPolicyUseCase,
    private readonly getRiskStatusUseCase: GetRiskStatusUseCase,
  ) {}

  async scoreAttempt(request: riskV1.ScoreAttemptRequest): Promise<riskV1.ScoreAttemptResponse> {
    return toScoreResponse(await this.scoreAttemptUseCase.execute(parseOrThrow(scoreAttemptSchema, request)));
  }

  async getRiskPolicy(request: riskV1.GetRiskPolicyRequest): Promise<riskV1.GetRiskPolicyResponse> {
    const { tenantId } = parseOrThrow(tenantOnlySchema, request);
    return toPolicyResponse(await this.getRiskPolicyUseCase.execute(tenantId));
  }

  async setRiskPolicy(request: riskV1.SetRiskPolicyRequest): Promise<riskV1.SetRiskPolicyResponse> {
    const { tenantId, policy } = parseOrThrow(setPolicySchema, request);
    return toPolicyResponse(await this.setRiskPolicyUseCase.execute(tenantId, policy));
  }

  getRiskStatus(): riskV1.GetRiskStatusResponse {
    return toStatusResponse(this.getRiskStatusUseCase.execute());
  }
}
