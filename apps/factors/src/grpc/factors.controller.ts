import { Controller } from '@nestjs/common';
import { factorsV1, toTimestamp } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { PolicyDefaultsProvider } from '../domain/ports';
import { FactorStrategies } from '../strategies/factor-strategies';
import { ActivateFactorUseCase } from '../use-cases/activate-factor/activate-factor.use-case';
import { BeginEnrollmentUseCase } from '../use-cases/begin-enrollment/begin-enrollment.use-case';
import { GetFactorPolicyUseCase } from '../use-cases/get-factor-policy/get-factor-policy.use-case';
import { ListFactorsUseCase } from '../use-cases/list-factors/list-factors.use-case';
import { RemoveFactorUseCase } from '../use-cases/remove-factor/remove-factor.use-case';
import { ResetFactorsUseCase } from '../use-cases/reset-factors/reset-factors.use-case';
import { SetFactorPolicyUseCase } from '../use-cases/set-factor-policy/set-factor-policy.use-case';
import { StartChallengeUseCase } from '../use-cases/start-challenge/start-challenge.use-case';
import { UpdateFactorUseCase } from '../use-cases/update-factor/update-factor.use-case';
import { VerifyChallengeUseCase } from '../use-cases/verify-challenge/verify-challenge.use-case';
import { toFactorMessage, toPolicyMessage, toSetupMessage } from './factors.mapper';
import {
  activateFactorSchema,
  beginEnrollmentSchema,
  listFactorsSchema,
  policySchema,
  removeFactorSchema,
  resetFactorsSchema,
  startChallengeSchema,
  tenantOnlySchema,
  updateFactorSchema,
  verifyChallengeSchema,
} from './factors.schemas';

/** Thin: validate, call one use-case, map the result. */
@Controller()
@factorsV1.FactorsServiceControllerMethods()
export class FactorsGrpcController implements factorsV1.FactorsServiceController {
  constructor(
    private readonly strategies: FactorStrategies,
    private readonly defaults: PolicyDefaultsProvider,
    private readonly beginEnrollmentUseCase: BeginEnrollmentUseCase,
    private readonly activateFactorUseCase: ActivateFactorUseCase,
    private readonly listFactorsUseCase: ListFactorsUseCase,
    private readonly updateFactorUseCase: UpdateFactorUseCase,
    private readonly removeFactorUseCase: RemoveFactorUseCase,
    private readonly resetFactorsUseCase: ResetFactorsUseCase,
    private readonly startChallengeUseCase: StartChallengeUseCase,
    private readonly verifyChallengeUseCase: VerifyChallengeUseCase,
    private readonly getFactorPolicyUseCase: GetFactorPolicyUseCase,
    private readonly setFactorPolicyUseCase: SetFactorPolicyUseCase,
  ) {}

  private factor = (f: Parameters<typeof toFactorMessage>[0]) => toFactorMessage(f, this.strategies);

  async beginEnrollment(
    request: factorsV1.BeginEnrollmentRequest,
  ): Promise<factorsV1.BeginEnrollmentResponse> {
    const started = await this.beginEnrollmentUseCase.execute(parseOrThrow(beginEnrollmentSchema, request));
    return {
      enrollmentId: started.enrollmentId,
      factor: this.factor(started.factor),
      expireTime: started.expiresAt ? toTimestamp(started.expiresAt) : undefined,
      ...toSetupMessage(started.setup),
    };
  }

  async activateFactor(request: factorsV1.ActivateFactorRequest): Promise<factorsV1.ActivateFactorResponse> {
    const factor = await this.activateFactorUseCase.execute(parseOrThrow(activateFactorSchema, request));
    return { factor: this.factor(factor) };
  }

  async listFactors(request: factorsV1.ListFactorsRequest): Promise<factorsV1.ListFactorsResponse> {
    const factors = await this.listFactorsUseCase.execute(parseOrThrow(listFactorsSchema, request));
    return { factors: factors.map(this.factor) };
  }

  async updateFactor(request: factorsV1.UpdateFactorRequest): Promise<factorsV1.UpdateFactorResponse> {
    const factor = await this.updateFactorUseCase.execute(parseOrThrow(updateFactorSchema, request));
    return { factor: this.factor(factor) };
  }

  async removeFactor(request: factorsV1.RemoveFactorRequest): Promise<factorsV1.RemoveFactorResponse> {
    const factor = await this.removeFactorUseCase.execute(parseOrThrow(removeFactorSchema, request));
    return { factor: this.factor(factor) };
  }

  async resetFactors(request: factorsV1.ResetFactorsRequest): Promise<factorsV1.ResetFactorsResponse> {
    const removedCount = await this.resetFactorsUseCase.execute(parseOrThrow(resetFactorsSchema, request));
    return { removedCount };
  }

  async startChallenge(request: factorsV1.StartChallengeRequest): Promise<factorsV1.StartChallengeResponse> {
    const started = await this.startChallengeUseCase.execute(parseOrThrow(startChallengeSchema, request));
    return {
      challengeId: started.challenge.id,
      factorId: started.challenge.factorId ?? '',
      type: started.challenge.factorType,
      expireTime: toTimestamp(started.challenge.expiresAt),
      destinationHint: started.destinationHint,
      requestOptionsJson: started.requestOptionsJson,
    };
  }

  async verifyChallenge(
    request: factorsV1.VerifyChallengeRequest,
  ): Promise<factorsV1.VerifyChallengeResponse> {
    const verified = await this.verifyChallengeUseCase.execute(parseOrThrow(verifyChallengeSchema, request));
    return {
      challengeId: verified.challengeId,
      userId: verified.userId,
      factor: this.factor(verified.factor),
      verifyTime: toTimestamp(verified.verifiedAt),
      amr: [...verified.amr],
    };
  }

  async getFactorPolicy(
    request: factorsV1.GetFactorPolicyRequest,
  ): Promise<factorsV1.GetFactorPolicyResponse> {
    const { tenantId } = parseOrThrow(tenantOnlySchema, request);
    return { policy: toPolicyMessage(await this.getFactorPolicyUseCase.execute(tenantId)) };
  }

  async setFactorPolicy(
    request: factorsV1.SetFactorPolicyRequest,
  ): Promise<factorsV1.SetFactorPolicyResponse> {
    const { tenantId } = parseOrThrow(tenantOnlySchema, { tenantId: request.tenantId });
    const policy = parseOrThrow(policySchema(this.defaults.policy()), request.policy ?? {});
    return { policy: toPolicyMessage(await this.setFactorPolicyUseCase.execute(tenantId, policy)) };
  }
}
