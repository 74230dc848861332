import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { pulledStream } from '@portcullis/grpc';
import type { Observable } from 'rxjs';
import {
  toAuditEventMessage,
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
  exportAuditEventsSchema,
  getFactorPolicySchema,
  getKpiSettingsSchema,
  getMfaKpisSchema,
  getUserSchema,
  listAuditEventsSchema,
  listFactorsSchema,
  removeFactorSchema,
  resetFactorsSchema,
  setFactorPolicySchema,
  setKpiSettingsSchema,
  startChallengeSchema,
  updateFactorSchema,
  userLookupOf,
  verifyAuditLogSchema,
  verifyChallengeSchema,
} from '../api/gateway.schemas';
import { toApiKeyMessage } from '../auth/api-key.mapper';
import { createApiKeySchema, listApiKeysSchema, revokeApiKeySchema } from '../auth/api-key.schemas';
import { Authorizer } from '../auth/authorizer';
import { actorOf, type Scope } from '../auth/principal';
import { CreateApiKeyUseCase } from '../use-cases/create-api-key/create-api-key.use-case';
import { ListApiKeysUseCase } from '../use-cases/list-api-keys/list-api-keys.use-case';
import { RevokeApiKeyUseCase } from '../use-cases/revoke-api-key/revoke-api-key.use-case';
import { authorizationOf, GatewayRpc } from './grpc-edge';
import { ActivateFactorUseCase } from '../use-cases/activate-factor/activate-factor.use-case';
import { BeginFactorEnrollmentUseCase } from '../use-cases/begin-factor-enrollment/begin-factor-enrollment.use-case';
import { CreateTenantUseCase } from '../use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from '../use-cases/create-user/create-user.use-case';
import { ExportAuditEventsUseCase } from '../use-cases/export-audit-events/export-audit-events.use-case';
import { GetFactorPolicyUseCase } from '../use-cases/get-factor-policy/get-factor-policy.use-case';
import { GetKpiSettingsUseCase } from '../use-cases/get-kpi-settings/get-kpi-settings.use-case';
import { GetMfaKpisUseCase } from '../use-cases/get-mfa-kpis/get-mfa-kpis.use-case';
import { GetUserUseCase } from '../use-cases/get-user/get-user.use-case';
import { ListAuditEventsUseCase } from '../use-cases/list-audit-events/list-audit-events.use-case';
import { ListFactorsUseCase } from '../use-cases/list-factors/list-factors.use-case';
import { RemoveFactorUseCase } from '../use-cases/remove-factor/remove-factor.use-case';
import { ResetFactorsUseCase } from '../use-cases/reset-factors/reset-factors.use-case';
import { SetFactorPolicyUseCase } from '../use-cases/set-factor-policy/set-factor-policy.use-case';
import { SetKpiSettingsUseCase } from '../use-cases/set-kpi-settings/set-kpi-settings.use-case';
import { StartChallengeUseCase } from '../use-cases/start-challenge/start-challenge.use-case';
import { UpdateFactorUseCase } from '../use-cases/update-factor/update-factor.use-case';
import { VerifyAuditLogUseCase } from '../use-cases/verify-audit-log/verify-audit-log.use-case';
import { VerifyChallengeUseCase } from '../use-cases/verify-challenge/verify-challenge.use-case';

type Rpcs =
  | 'createTenant'
  | 'createUser'
  | 'getUser'
  | 'listAuditEvents'
  | 'exportAuditEvents'
  | 'verifyAuditLog'
  | 'getMfaKpis'
  | 'getKpiSettings'
  | 'setKpiSettings'
  | 'beginFactorEnrollment'
  | 'activateFactor'
  | 'listFactors'
  | 'updateFactor'
  | 'removeFactor'
  | 'resetFactors'
  | 'startChallenge'
  | 'verifyChallenge'
  | 'getFactorPolicy'
  | 'setFactorPolicy'
  | 'createApiKey'
  | 'listApiKeys'
  | 'revokeApiKey';

/**
 * The public gRPC API of tenants, users, factors and API keys: the same use-cases and checks as
 * the HTTP routes (the sign-in flows are in FlowsGrpcController).
 */
@Controller()
export class GatewayGrpcController implements Pick<gatewayV1.GatewayServiceController, Rpcs> {
  constructor(
    private readonly auth: Authorizer,
    private readonly createApiKeyUseCase: CreateApiKeyUseCase,
    private readonly listApiKeysUseCase: ListApiKeysUseCase,
    private readonly revokeApiKeyUseCase: RevokeApiKeyUseCase,
    private readonly createTenantUseCase: CreateTenantUseCase,
    private readonly createUserUseCase: CreateUserUseCase,
    private readonly getUserUseCase: GetUserUseCase,
    private readonly listAuditEventsUseCase: ListAuditEventsUseCase,
    private readonly exportAuditEventsUseCase: ExportAuditEventsUseCase,
    private readonly verifyAuditLogUseCase: VerifyAuditLogUseCase,
    private readonly getMfaKpisUseCase: GetMfaKpisUseCase,
    private readonly getKpiSettingsUseCase: GetKpiSettingsUseCase,
    private readonly setKpiSettingsUseCase: SetKpiSettingsUseCase,
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

  /** Authenticates (before parsing), parses, then authorises in the request's tenant. */
  private async admit<T extends object>(
    metadata: Metadata | undefined,
    parse: () => T,
    need: Scope | 'operator',
  ): Promise<{ input: T; actor: string }> {
    const principal = await this.auth.authenticate(authorizationOf(metadata));
    const input = parse();
    this.auth.authorize(principal, 'tenantId' in input ? (input.tenantId as string) : undefined, need);
    return { input, actor: actorOf(principal) };
  }

  @GatewayRpc()
  async createTenant(
    request: gatewayV1.CreateTenantRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.CreateTenantResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(createTenantSchema, request), 'operator');
    return { tenant: toTenantMessage(await this.createTenantUseCase.execute(input)) };
  }

  @GatewayRpc()
  async createUser(
    request: gatewayV1.CreateUserRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.CreateUserResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(createUserSchema, request), 'runtime');
    return { user: toUserMessage(await this.createUserUseCase.execute(input)) };
  }

  @GatewayRpc()
  async getUser(request: gatewayV1.GetUserRequest, metadata?: Metadata): Promise<gatewayV1.GetUserResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(getUserSchema, userLookupOf(request)),
      'runtime',
    );
    return { user: toUserMessage(await this.getUserUseCase.execute(input)) };
  }

  @GatewayRpc()
  async listAuditEvents(
    request: gatewayV1.ListAuditEventsRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ListAuditEventsResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(listAuditEventsSchema.grpc, request),
      'admin',
    );
    return toAuditPageMessage(await this.listAuditEventsUseCase.execute(input));
  }

  /** Server streaming, pulled from audit only as fast as the client reads (see pulledStream). */
  @GatewayRpc()
  exportAuditEvents(
    request: gatewayV1.ExportAuditEventsRequest,
    metadata?: Metadata,
    call?: ServerWritableStream<gatewayV1.ExportAuditEventsRequest, gatewayV1.ExportAuditEventsResponse>,
  ): Observable<gatewayV1.ExportAuditEventsResponse> {
    return pulledStream(
      call,
      async (signal) => {
        const { input } = await this.admit(
          metadata,
          () => parseOrThrow(exportAuditEventsSchema.grpc, request),
          'admin',
        );
        return this.exportAuditEventsUseCase.execute(input, signal);
      },
      (event) => ({ event: toAuditEventMessage(event) }),
    );
  }

  @GatewayRpc()
  async verifyAuditLog(
    request: gatewayV1.VerifyAuditLogRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.VerifyAuditLogResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(verifyAuditLogSchema, request), 'admin');
    return { result: await this.verifyAuditLogUseCase.execute(input) };
  }

  @GatewayRpc()
  async getMfaKpis(
    request: gatewayV1.GetMfaKpisRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.GetMfaKpisResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(getMfaKpisSchema.grpc, request), 'admin');
    return { kpis: await this.getMfaKpisUseCase.execute(input) };
  }

  @GatewayRpc()
  async getKpiSettings(
    request: gatewayV1.GetKpiSettingsRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.GetKpiSettingsResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(getKpiSettingsSchema, request), 'admin');
    return { settings: await this.getKpiSettingsUseCase.execute(input) };
  }

  @GatewayRpc()
  async setKpiSettings(
    request: gatewayV1.SetKpiSettingsRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.SetKpiSettingsResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(setKpiSettingsSchema.grpc, request),
      'admin',
    );
    return { settings: await this.setKpiSettingsUseCase.execute(input) };
  }

  // Factors and challenges: factors' responses are the gateway's messages field for field.

  @GatewayRpc()
  async beginFactorEnrollment(
    request: gatewayV1.BeginFactorEnrollmentRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.BeginFactorEnrollmentResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(beginFactorEnrollmentSchema, request),
      'runtime',
    );
    return toBeginFactorEnrollmentMessage(await this.beginFactorEnrollmentUseCase.execute(input));
  }

  @GatewayRpc()
  async activateFactor(
    request: gatewayV1.ActivateFactorRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ActivateFactorResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(activateFactorSchema, request),
      'runtime',
    );
    return this.activateFactorUseCase.execute(input);
  }

  @GatewayRpc()
  async listFactors(
    request: gatewayV1.ListFactorsRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ListFactorsResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(listFactorsSchema, request), 'runtime');
    return this.listFactorsUseCase.execute(input);
  }

  @GatewayRpc()
  async updateFactor(
    request: gatewayV1.UpdateFactorRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.UpdateFactorResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(updateFactorSchema, request), 'runtime');
    return this.updateFactorUseCase.execute(input);
  }

  @GatewayRpc()
  async removeFactor(
    request: gatewayV1.RemoveFactorRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.RemoveFactorResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(removeFactorSchema, request), 'runtime');
    return this.removeFactorUseCase.execute(input);
  }

  @GatewayRpc()
  async resetFactors(
    request: gatewayV1.ResetFactorsRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ResetFactorsResponse> {
    const { input, actor } = await this.admit(
      metadata,
      () => parseOrThrow(resetFactorsSchema, request),
      'admin',
    );
    return this.resetFactorsUseCase.execute({ ...input, actor });
  }

  @GatewayRpc()
  async startChallenge(
    request: gatewayV1.StartChallengeRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.StartChallengeResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(startChallengeSchema, request),
      'runtime',
    );
    return this.startChallengeUseCase.execute(input);
  }

  @GatewayRpc()
  async verifyChallenge(
    request: gatewayV1.VerifyChallengeRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.VerifyChallengeResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(verifyChallengeSchema, request),
      'runtime',
    );
    return this.verifyChallengeUseCase.execute(input);
  }

  @GatewayRpc()
  async getFactorPolicy(
    request: gatewayV1.GetFactorPolicyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.GetFactorPolicyResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(getFactorPolicySchema, request), 'admin');
    return this.getFactorPolicyUseCase.execute(input);
  }

  @GatewayRpc()
  async setFactorPolicy(
    request: gatewayV1.SetFactorPolicyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.SetFactorPolicyResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(setFactorPolicySchema, request), 'admin');
    return this.setFactorPolicyUseCase.execute(input);
  }

  @GatewayRpc()
  async createApiKey(
    request: gatewayV1.CreateApiKeyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.CreateApiKeyResponse> {
    const { input, actor } = await this.admit(
      metadata,
      () => parseOrThrow(createApiKeySchema, request),
      'admin',
    );
    const created = await this.createApiKeyUseCase.execute({ ...input, actor });
    return { key: toApiKeyMessage(created.key), secret: created.secret };
  }

  @GatewayRpc()
  async listApiKeys(
    request: gatewayV1.ListApiKeysRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ListApiKeysResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(listApiKeysSchema, request), 'admin');
    return { keys: (await this.listApiKeysUseCase.execute(input)).map(toApiKeyMessage) };
  }

  @GatewayRpc()
  async revokeApiKey(
    request: gatewayV1.RevokeApiKeyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.RevokeApiKeyResponse> {
    const { input, actor } = await this.admit(
      metadata,
      () => parseOrThrow(revokeApiKeySchema, request),
      'admin',
    );
    return { key: toApiKeyMessage(await this.revokeApiKeyUseCase.execute({ ...input, actor })) };
  }
}
