import { gatewayV1, toTimestamp } from '@portcullis/contracts';
import type { VerifiedAssertion } from '../assertions';
import type { AuthPolicy } from '../domain/auth-policy';
import type { AuthenticationRecord } from '../domain/authentication';
import type { DeviceTokenRecord } from '../domain/ports';
import type { SignedAssertion } from '../flows/authentication-flow';
import type { Introspection } from '../use-cases/introspect-assertion/introspect-assertion.use-case';

export function toAuthenticationMessage(a: AuthenticationRecord): gatewayV1.Authentication {
  return {
    id: a.id,
    tenantId: a.tenantId,
    userId: a.userId ?? '',
    kind: a.kind,
    status: a.status,
    risk: a.risk
      ? {
          score: a.risk.score,
          level: a.risk.level,
          decision: a.risk.decision,
          reasons: a.risk.reasons.map((r) => ({ ...r })),
          fallback: a.risk.fallback,
        }
      : undefined,
    factors: a.status === 'CHALLENGE_REQUIRED' ? a.factors.map((f) => ({ ...f })) : [],
    action: a.action
      ? {
          type: a.action.type,
          amount: a.action.amount ?? '',
          currency: a.action.currency ?? '',
          payee: a.action.payee ?? '',
          reference: a.action.reference ?? '',
        }
      : undefined,
    denialReason: a.denialReason ?? '',
    amr: [...a.amr],
    createTime: toTimestamp(a.createdAt),
    expireTime: toTimestamp(a.expiresAt),
    completeTime: a.completedAt ? toTimestamp(a.completedAt) : undefined,
  };
}

export function toAssertionMessage(issued: SignedAssertion | undefined): gatewayV1.Assertion | undefined {
  return issued
    ? {
        token: issued.token,
        expireTime: toTimestamp(issued.expiresAt),
        amr: [...issued.amr],
        acr: issued.acr,
      }
    : undefined;
}

export function toDeviceTokenMessage(
  t: { token: string; tokenId: string; expiresAt: Date } | undefined,
): gatewayV1.DeviceToken | undefined {
  return t ? { token: t.token, tokenId: t.tokenId, expireTime: toTimestamp(t.expiresAt) } : undefined;
}

export function toDeviceTokenInfo(t: DeviceTokenRecord): gatewayV1.DeviceTokenInfo {
  return {
    tokenId: t.id,
    userId: t.userId,
    createTime: toTimestamp(t.createdAt),
    expireTime: toTimestamp(t.expiresAt),
    revokeTime: t.revokedAt ? toTimestamp(t.revokedAt) : undefined,
    lastUseTime: t.lastUsedAt ? toTimestamp(t.lastUsedAt) : undefined,
  };
}

export function toIntrospectionMessage(i: Introspection): gatewayV1.IntrospectAssertionResponse {
  if (!i.active) {
    return {
      active: false,
      userId: '',
      amr: [],
      acr: '',
      authTime: undefined,
      riskLevel: '',
      authenticationId: '',
      expireTime: undefined,
      errorCode: i.errorCode,
    };
  }
  const a: VerifiedAssertion = i.assertion;
  return {
    active: true,
    userId: a.userId,
    amr: [...a.amr],
    acr: a.acr,
    authTime: toTimestamp(a.authTime),
    riskLevel: a.riskLevel,
    authenticationId: a.attemptId,
    expireTime: toTimestamp(a.expiresAt),
    errorCode: '',
  };
}

export function toAuthPolicyMessage(p: AuthPolicy): gatewayV1.AuthPolicy {
  return { ...p };
}
