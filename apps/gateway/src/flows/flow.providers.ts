import type { Provider, Type } from '@nestjs/common';
import { OUTBOX_WRITER, type OutboxWriter } from '@portcullis/messaging';
import { LOGGER, type Logger } from '@portcullis/observability';
import { DATA_SOURCE } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import { AssertionSigner, DeviceTokenIssuer, parseSigningKeys } from '../assertions';
import { GrpcRiskAssessor } from '../clients/risk.client';
import type { GatewayConfig } from '../config/gateway.config';
import { Clock, GatewayUnitOfWork, RiskAssessor } from '../domain/ports';
import { AssertionsHttpController } from '../http/assertions-http.controller';
import { AuthenticationsHttpController } from '../http/authentications-http.controller';
import { SignInPoliciesHttpController } from '../http/sign-in-policies-http.controller';
import { UserSecurityHttpController } from '../http/user-security-http.controller';
import { GatewayRetention } from '../persistence/gateway-retention';
import { SqlGatewayUnitOfWork } from '../persistence/sql-gateway-unit-of-work';
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
import { AuthenticationFlow } from './authentication-flow';
import { PendingAuthentications } from './pending-authentications';
import { UserStatusGuard } from './user-status-guard';

/** Authentications, step-ups, passwordless, assertions, devices and the sign-in policy. */
export function flowProviders(config: GatewayConfig): Provider[] {
  const ring = parseSigningKeys(config.GATEWAY_SIGNING_KEYS);
  return [
    { provide: AssertionSigner, useValue: new AssertionSigner(ring, { issuer: config.GATEWAY_ISSUER }) },
    { provide: DeviceTokenIssuer, useValue: new DeviceTokenIssuer(ring, { issuer: config.GATEWAY_ISSUER }) },
    { provide: Clock, useValue: { now: () => new Date() } satisfies Clock },
    {
      provide: RiskAssessor,
      useFactory: (logger: Logger) =>
        new GrpcRiskAssessor(
          config.RISK_GRPC_URL,
          { scoreDeadlineMs: config.RISK_DEADLINE_MS, adminDeadlineMs: config.GRPC_DEADLINE_MS },
          logger.child({ component: 'risk-client' }),
        ),
      inject: [LOGGER],
    },
    {
      provide: GatewayUnitOfWork,
      useFactory: (ds: DataSource, outbox: OutboxWriter) => new SqlGatewayUnitOfWork(ds, outbox),
      inject: [DATA_SOURCE, OUTBOX_WRITER],
    },
    {
      provide: GatewayRetention,
      useFactory: (ds: DataSource, logger: Logger) =>
        new GatewayRetention(
          ds,
          { retentionMs: config.GATEWAY_RETENTION_DAYS * 86_400_000, intervalMs: 10 * 60_000 },
          logger.child({ component: 'gateway-retention' }),
        ),
      inject: [DATA_SOURCE, LOGGER],
    },
    AuthenticationFlow,
    PendingAuthentications,
    UserStatusGuard,
    StartAuthenticationUseCase,
    StartStepUpUseCase,
    StartPasswordlessUseCase,
    GetAuthenticationUseCase,
    StartAuthenticationChallengeUseCase,
    VerifyAuthenticationUseCase,
    IntrospectAssertionUseCase,
    GetJwksUseCase,
    ListDeviceTokensUseCase,
    RevokeDeviceTokenUseCase,
    SetPasswordUseCase,
    LockUserUseCase,
    UnlockUserUseCase,
    GetAuthPolicyUseCase,
    SetAuthPolicyUseCase,
    GetRiskPolicyUseCase,
    SetRiskPolicyUseCase,
  ];
}

export const FLOW_CONTROLLERS: Type[] = [
  AuthenticationsHttpController,
  AssertionsHttpController,
  UserSecurityHttpController,
  SignInPoliciesHttpController,
];
