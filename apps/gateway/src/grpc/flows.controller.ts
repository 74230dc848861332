import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import type { gatewayV1, riskV1 } from '@portcullis/contracts';
import { withoutNulls } from '@portcullis/grpc';
import { parseOrThrow } from '@portcullis/errors';
import { toUserMessage } from '../api/gateway.mapper';
import {
  toAssertionMessage,
  toAuthenticationMessage,
  toAuthPolicyMessage,
  toDeviceTokenInfo,
  toDeviceTokenMessage,
  toIntrospectionMessage,
} from '../api/flow.mapper';
import {
  authenticationRefSchema,
  deviceTokenRefSchema,
  introspectAssertionSchema,
  lockUserSchema,
  setAuthPolicySchema,
  setPasswordSchema,
  setRiskPolicySchema,
  startAuthenticationChallengeSchema,
  startAuthenticationSchema,
  startPasswordlessSchema,
  startStepUpSchema,
  tenantRefSchema,
  userRefSchema,
  verifyAuthenticationSchema,
} from '../api/flow.schemas';
import { Authorizer } from '../auth/authorizer';
import { actorOf, type Scope } from '../auth/principal';
import { GetAuthPolicyUseCase } from '../use-cases/get-auth-policy/get-auth-policy.use-case';
import { GetAuthenticationUseCase } from '../use-cases/get-authentication/get-authentication.use-case';
import { GetJwksUseCase } from '../use-cases/get-jwks/get-jwks.use-case';
import { GetRiskPolicyUseCase } from '../use-cases/get-risk-policy/get-risk-policy.use-case';
import { IntrospectAssertionUseCase } from '../use-cases/introspect-assertion/introspect-assertion.use-case';
import { ListDeviceTokensUseCase } from '../use-cases/list-device-tokens/list-device-tokens.use-case';
import { LockUserUseCase } from '../use-cases/lock-user/lock-user.use-case';
import { RevokeDeviceTokenUseCase } from '../use-cases/revoke-device-token/revoke-device-token.use-case';
import { SetAuthPolicyUseCase } from '../use-cases/set-auth-policy/set-auth-policy.use-case';
import { SetPasswordUseCase } from '../use-cases/set-password/set-password.use-case';
import { SetRiskPolicyUseCase } from '../use-cases/set-risk-policy/set-risk-policy.use-case';
import { StartAuthenticationChallengeUseCase } from '../use-cases/start-authentication-challenge/start-authentication-challenge.use-case';
import { StartAuthenticationUseCase } from '../use-cases/start-authentication/start-authentication.use-case';
import { StartPasswordlessUseCase } from '../use-cases/start-passwordless/start-passwordless.use-case';
import { StartStepUpUseCase } from '../use-cases/start-step-up/start-step-up.use-case';
import { UnlockUserUseCase } from '../use-cases/unlock-user/unlock-user.use-case';
import { VerifyAuthenticationUseCase } from '../use-cases/verify-authentication/verify-authentication.use-case';
import { authorizationOf, GatewayRpc } from './grpc-edge';

type Rpcs =
  | 'startAuthentication'
  | 'startStepUp'
  | 'startPasswordless'
  | 'getAuthentication'
  | 'startAuthenticationChallenge'
  | 'verifyAuthentication'
  | 'introspectAssertion'
  | 'getJwks'
  | 'listDeviceTokens'
  | 'revokeDeviceToken'
  | 'setPassword'
  | 'lockUser'
  | 'unlockUser'
  | 'getAuthPolicy'
  | 'setAuthPolicy'
  | 'getRiskPolicy'
  | 'setRiskPolicy';

/** The sign-in flows over gRPC: the same use-cases, schemas and scopes as the HTTP routes. */
@Controller()
export class FlowsGrpcController implements Pick<gatewayV1.GatewayServiceController, Rpcs> {
  constructor(
    private readonly auth: Authorizer,
    private readonly startAuthenticationUseCase: StartAuthenticationUseCase,
    private readonly startStepUpUseCase: StartStepUpUseCase,
    private readonly startPasswordlessUseCase: StartPasswordlessUseCase,
    private readonly getAuthenticationUseCase: GetAuthenticationUseCase,
    private readonly startChallengeUseCase: StartAuthenticationChallengeUseCase,
    private readonly verifyUseCase: VerifyAuthenticationUseCase,
    private readonly introspectUseCase: IntrospectAssertionUseCase,
    private readonly jwksUseCase: GetJwksUseCase,
    private readonly listDevicesUseCase: ListDeviceTokensUseCase,
    private readonly revokeDeviceUseCase: RevokeDeviceTokenUseCase,
    private readonly setPasswordUseCase: SetPasswordUseCase,
    private readonly lockUserUseCase: LockUserUseCase,
    private readonly unlockUserUseCase: UnlockUserUseCase,
    private readonly getAuthPolicyUseCase: GetAuthPolicyUseCase,
    private readonly setAuthPolicyUseCase: SetAuthPolicyUseCase,
    private readonly getRiskPolicyUseCase: GetRiskPolicyUseCase,
    private readonly setRiskPolicyUseCase: SetRiskPolicyUseCase,
  ) {}

  private async admit<T extends { tenantId: string }>(
    metadata: Metadata | undefined,
    parse: () => T,
    need: Scope,
  ): Promise<{ input: T; actor: string }> {
    const principal = await this.auth.authenticate(authorizationOf(metadata));
    const input = parse();
    this.auth.authorize(principal, input.tenantId, need);
    return { input, actor: actorOf(principal) };
  }

  @GatewayRpc()
  async startAuthentication(
    request: gatewayV1.StartAuthenticationRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.StartAuthenticationResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(startAuthenticationSchema.grpc, request),
      'runtime',
    );
    this.auth.limitEndUserIp(input.tenantId, input.context.ip);
    const started = await this.startAuthenticationUseCase.execute(input);
    return {
      authentication: toAuthenticationMessage(started.authentication),
      assertion: toAssertionMessage(started.assertion),
    };
  }

  @GatewayRpc()
  async startStepUp(
    request: gatewayV1.StartStepUpRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.StartStepUpResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(startStepUpSchema.grpc, request),
      'runtime',
    );
    this.auth.limitEndUserIp(input.tenantId, input.context.ip);
    const started = await this.startStepUpUseCase.execute(input);
    return {
      authentication: toAuthenticationMessage(started.authentication),
      assertion: toAssertionMessage(started.assertion),
    };
  }

  @GatewayRpc()
  async startPasswordless(
    request: gatewayV1.StartPasswordlessRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.StartPasswordlessResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(startPasswordlessSchema.grpc, request),
      'runtime',
    );
    this.auth.limitEndUserIp(input.tenantId, input.context.ip);
    const started = await this.startPasswordlessUseCase.execute(input);
    return {
      authentication: toAuthenticationMessage(started.authentication),
      challengeId: started.challengeId,
      requestOptionsJson: started.requestOptionsJson,
    };
  }

  @GatewayRpc()
  async getAuthentication(
    request: gatewayV1.GetAuthenticationRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.GetAuthenticationResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(authenticationRefSchema.grpc, request),
      'runtime',
    );
    const found = await this.getAuthenticationUseCase.execute(input.tenantId, input.authenticationId);
    return { authentication: toAuthenticationMessage(found) };
  }

  @GatewayRpc()
  async startAuthenticationChallenge(
    request: gatewayV1.StartAuthenticationChallengeRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.StartAuthenticationChallengeResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(startAuthenticationChallengeSchema.grpc, request),
      'runtime',
    );
    const c = await this.startChallengeUseCase.execute(input);
    return {
      challengeId: c.challengeId,
      factorId: c.factorId,
      type: c.type,
      expireTime: c.expireTime,
      destinationHint: c.destinationHint,
      requestOptionsJson: c.requestOptionsJson,
    };
  }

  @GatewayRpc()
  async verifyAuthentication(
    request: gatewayV1.VerifyAuthenticationRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.VerifyAuthenticationResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(verifyAuthenticationSchema.grpc, request),
      'runtime',
    );
    const done = await this.verifyUseCase.execute(input);
    return {
      authentication: toAuthenticationMessage(done.authentication),
      assertion: toAssertionMessage(done.assertion),
      deviceToken: toDeviceTokenMessage(done.deviceToken),
    };
  }

  @GatewayRpc()
  async introspectAssertion(
    request: gatewayV1.IntrospectAssertionRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.IntrospectAssertionResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(introspectAssertionSchema.grpc, request),
      'runtime',
    );
    return toIntrospectionMessage(await this.introspectUseCase.execute(input));
  }

  /** Public, like /.well-known/jwks.json: no credential needed. */
  @GatewayRpc()
  getJwks(): gatewayV1.GetJwksResponse {
    return { jwksJson: JSON.stringify(this.jwksUseCase.execute()) };
  }

  @GatewayRpc()
  async listDeviceTokens(
    request: gatewayV1.ListDeviceTokensRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.ListDeviceTokensResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(userRefSchema.grpc, request), 'runtime');
    return {
      tokens: (await this.listDevicesUseCase.execute(input.tenantId, input.userId)).map(toDeviceTokenInfo),
    };
  }

  @GatewayRpc()
  async revokeDeviceToken(
    request: gatewayV1.RevokeDeviceTokenRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.RevokeDeviceTokenResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(deviceTokenRefSchema.grpc, request),
      'runtime',
    );
    const token = await this.revokeDeviceUseCase.execute(input.tenantId, input.userId, input.tokenId);
    return { token: toDeviceTokenInfo(token) };
  }

  @GatewayRpc()
  async setPassword(
    request: gatewayV1.SetPasswordRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.SetPasswordResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(setPasswordSchema.grpc, request),
      'runtime',
    );
    await this.setPasswordUseCase.execute(input.tenantId, input.userId, input.password);
    return {};
  }

  @GatewayRpc()
  async lockUser(
    request: gatewayV1.LockUserRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.LockUserResponse> {
    const { input, actor } = await this.admit(
      metadata,
      () => parseOrThrow(lockUserSchema.grpc, request),
      'admin',
    );
    return { user: toUserMessage(await this.lockUserUseCase.execute({ ...input, actor })) };
  }

  @GatewayRpc()
  async unlockUser(
    request: gatewayV1.UnlockUserRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.UnlockUserResponse> {
    const { input, actor } = await this.admit(
      metadata,
      () => parseOrThrow(lockUserSchema.grpc, request),
      'admin',
    );
    return { user: toUserMessage(await this.unlockUserUseCase.execute({ ...input, actor })) };
  }

  @GatewayRpc()
  async getAuthPolicy(
    request: gatewayV1.GetAuthPolicyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.GetAuthPolicyResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(tenantRefSchema.grpc, request), 'admin');
    return { policy: toAuthPolicyMessage(await this.getAuthPolicyUseCase.execute(input.tenantId)) };
  }

  @GatewayRpc()
  async setAuthPolicy(
    request: gatewayV1.SetAuthPolicyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.SetAuthPolicyResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(setAuthPolicySchema.grpc, request),
      'admin',
    );
    return {
      policy: toAuthPolicyMessage(await this.setAuthPolicyUseCase.execute(input.tenantId, input.policy)),
    };
  }

  @GatewayRpc()
  async getRiskPolicy(
    request: gatewayV1.GetRiskPolicyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.GetRiskPolicyResponse> {
    const { input } = await this.admit(metadata, () => parseOrThrow(tenantRefSchema.grpc, request), 'admin');
    return this.getRiskPolicyUseCase.execute(input.tenantId);
  }

  @GatewayRpc()
  async setRiskPolicy(
    request: gatewayV1.SetRiskPolicyRequest,
    metadata?: Metadata,
  ): Promise<gatewayV1.SetRiskPolicyResponse> {
    const { input } = await this.admit(
      metadata,
      () => parseOrThrow(setRiskPolicySchema.grpc, request),
      'admin',
    );
    return this.setRiskPolicyUseCase.execute({
      tenantId: input.tenantId,
      // The loader's message, relayed as it is (risk validates it); nulls dropped.
      policy: withoutNulls(input.policy) as unknown as riskV1.RiskPolicy,
    });
  }
}
