import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import {
  toAuditPageMessage,
  toBeginFactorEnrollmentMessage,
  toTenantMessage,
  toUserMessage,
} from '../api/gateway.mapper';
import {
  activateFactorSchema,
  beginFactorEnrollmentSchema,
  createTenantSchema,
  createUserSchema,
  getFactorPolicySchema,
  getUserSchema,
  listAuditEventsSchema,
  listFactorsSchema,
  removeFactorSchema,
  resetFactorsSchema,
  setFactorPolicySchema,
  startChallengeSchema,
  updateFactorSchema,
  userLookupOf,
  verifyChallengeSchema,
} from '../api/gateway.schemas';
import { AdminAuthenticator, BOOTSTRAP_ADMIN_ACTOR } from '../auth/admin-authenticator';
import { ActivateFactorUseCase } from '../use-cases/activate-factor/activate-factor.use-case';
import { BeginFactorEnrollmentUseCase } from '../use-cases/begin-factor-enrollment/begin-factor-enrollment.use-case';
import { CreateTenantUseCase } from '../use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from '../use-cases/create-user/create-user.use-case';
import { GetFactorPolicyUseCase } from '../use-cases/get-factor-policy/get-factor-policy.use-case';
import { GetUserUseCase } from '../use-cases/get-user/get-user.use-case';
import { ListAuditEventsUseCase } from '../use-cases/list-audit-events/list-audit-events.use-case';
import { ListFactorsUseCase } from '../use-cases/list-factors/list-factors.use-case';
import { RemoveFactorUseCase } from '../use-cases/remove-factor/remove-factor.use-case';
import { ResetFactorsUseCase } from '../use-cases/reset-factors/reset-factors.use-case';
import { SetFactorPolicyUseCase } from '../use-cases/set-factor-policy/set-factor-policy.use-case';
import { StartChallengeUseCase } from '../use-cases/start-challenge/start-challenge.use-case';
import { UpdateFactorUseCase } from '../use-cases/update-factor/update-factor.use-case';
import { VerifyChallengeUseCase } from '../use-cases/verify-challenge/verify-challenge.use-case';

const authorizationOf = (metadata: Metadata | undefined) => {
  const value = metadata?.get('authorization')[0];
  return typeof value === 'string' ? value : undefined;
};

/** The public gRPC API: the same use-cases and checks as the HTTP routes. */
@Controller()
@gatewayV1.GatewayServiceControllerMethods()
export class GatewayGrpcController implements gatewayV1.GatewayServiceController {
  constructor(
    private readonly auth: AdminAuthenticator,
    private readonly createTenantUseCase: CreateTenantUseCase,
    private readonly createUserUseCase: CreateUserUseCase,
    private readonly getUserUseCase: GetUserUseCase,
    private readonly listAuditEventsUseCase: ListAuditEventsUseCase,
    private readonly beginFactorEnrollmentUseCase: BeginFactorEnrollmentUseCase,
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

  async createTenant(
    request: gatewayV1.CreateTenantRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.CreateTenantResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const tenant = await this.createTenantUseCase.execute(parseOrThrow(createTenantSchema, request));
    return { tenant: toTenantMessage(tenant) };
  }

  async createUser(
    request: gatewayV1.CreateUserRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.CreateUserResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const user = await this.createUserUseCase.execute(parseOrThrow(createUserSchema, request));
    return { user: toUserMessage(user) };
  }

  async getUser(request: gatewayV1.GetUserRequest, metadata?: Metadata): Promise<gatewayV1.GetUserResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const user = await this.getUserUseCase.execute(parseOrThrow(getUserSchema, userLookupOf(request)));
    return { user: toUserMessage(user) };
  }

  async listAuditEvents(
    request: gatewayV1.ListAuditEventsRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ListAuditEventsResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const page = await this.listAuditEventsUseCase.execute(parseOrThrow(listAuditEventsSchema, request));
    return toAuditPageMessage(page);
  }

  // Factors and challenges: factors' responses are the gateway's messages field for field.

  async beginFactorEnrollment(
    request: gatewayV1.BeginFactorEnrollmentRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.BeginFactorEnrollmentResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const response = await this.beginFactorEnrollmentUseCase.execute(
      parseOrThrow(beginFactorEnrollmentSchema, request),
    );
    return toBeginFactorEnrollmentMessage(response);
  }

  async activateFactor(
    request: gatewayV1.ActivateFactorRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ActivateFactorResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    return this.activateFactorUseCase.execute(parseOrThrow(activateFactorSchema, request));
  }

  async listFactors(
    request: gatewayV1.ListFactorsRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ListFactorsResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    return this.listFactorsUseCase.execute(parseOrThrow(listFactorsSchema, request));
  }

  async updateFactor(
    request: gatewayV1.UpdateFactorRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.UpdateFactorResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    return this.updateFactorUseCase.execute(parseOrThrow(updateFactorSchema, request));
  }

  async removeFactor(
    request: gatewayV1.RemoveFactorRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.RemoveFactorResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    return this.removeFactorUseCase.execute(parseOrThrow(removeFactorSchema, request));
  }

  async resetFactors(
    request: gatewayV1.ResetFactorsRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ResetFactorsResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    const input = parseOrThrow(resetFactorsSchema, request);
    return this.resetFactorsUseCase.execute({ ...input, actor: BOOTSTRAP_ADMIN_ACTOR });
  }

  async startChallenge(
    request: gatewayV1.StartChallengeRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.StartChallengeResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    return this.startChallengeUseCase.execute(parseOrThrow(startChallengeSchema, request));
  }

  async verifyChallenge(
    request: gatewayV1.VerifyChallengeRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.VerifyChallengeResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    return this.verifyChallengeUseCase.execute(parseOrThrow(verifyChallengeSchema, request));
  }

  async getFactorPolicy(
    request: gatewayV1.GetFactorPolicyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.GetFactorPolicyResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    return this.getFactorPolicyUseCase.execute(parseOrThrow(getFactorPolicySchema, request));
  }

  async setFactorPolicy(
    request: gatewayV1.SetFactorPolicyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.SetFactorPolicyResponse> {
    this.auth.requireAdmin(authorizationOf(metadata));
    return this.setFactorPolicyUseCase.execute(parseOrThrow(setFactorPolicySchema, request));
  }
}
