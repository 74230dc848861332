import {
  type Authentication,
  type PortcullisApi,
  toDate,
  type VerifyAuthenticationResult,
} from '@portcullis/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DemoConfig } from '../config';
import { DemoError, notSignedIn } from '../http/errors';
import type { DemoSession, PendingAuthentication, Sessions } from '../http/session';
import type { AssertionVerifier } from '../portcullis/assertion-verifier';

/** What every route module receives. */
export interface DemoDeps {
  readonly config: DemoConfig;
  readonly portcullis: PortcullisApi;
  readonly sessions: Sessions;
  readonly assertions: AssertionVerifier;
}

/** The end user's address as the gateway and risk should see it (not the shop's own). */
export function endUserIp(request: FastifyRequest): string {
  return request.ip.startsWith('::ffff:') ? request.ip.slice('::ffff:'.length) : request.ip;
}

/** What the shop knows about the request: risk scores it (new device, remembered device, ...). */
export function clientContext(deps: DemoDeps, request: FastifyRequest, reply: FastifyReply) {
  const deviceToken = deps.sessions.deviceToken(request);
  return {
    ip: endUserIp(request),
    userAgent: (request.headers['user-agent'] ?? '').slice(0, 1024),
    deviceId: deps.sessions.deviceId(request, reply),
    ...(deviceToken ? { deviceToken } : {}),
  };
}

export function signedInUser(session: DemoSession): { userId: string; email: string } {
  if (!session.userId) throw notSignedIn();
  return { userId: session.userId, email: session.email ?? '' };
}

export function pendingOf(
  session: DemoSession,
  ...kinds: PendingAuthentication['kind'][]
): PendingAuthentication {
  const pending = session.pending;
  if (!pending || (kinds.length > 0 && !kinds.includes(pending.kind))) {
    throw new DemoError(409, 'NOTHING_PENDING', 'Nothing is waiting for an answer; start again');
  }
  return pending;
}

/**
 * An authentication as the page shows it: the decision, risk's reasons ("why we ask") and, when
 * a challenge is required, the factors the customer may answer with.
 */
export function authenticationView(auth: Authentication) {
  return {
    status: auth.status,
    kind: auth.kind,
    risk: auth.risk
      ? {
          score: auth.risk.score,
          level: auth.risk.level,
          decision: auth.risk.decision,
          fallback: auth.risk.fallback,
        }
      : undefined,
    reasons: (auth.risk?.reasons ?? []).map((r) => ({ code: r.code, weight: r.weight, detail: r.detail })),
    factors: auth.factors.map((f) => ({
      factorId: f.factorId,
      type: f.type,
      name: f.name,
      destinationHint: f.destinationHint,
    })),
    ...(auth.denialReason ? { denialReason: auth.denialReason } : {}),
  };
}

/**
 * A finished sign-in (password, second factor or passwordless): the assertion is verified here,
 * before the shop trusts it; the session then names the user, and the verified challenge becomes
 * the MFA proof for a later factor change. With `remember`, the device token goes into a cookie.
 */
export async function completeSignIn(
  deps: DemoDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  session: DemoSession,
  outcome: Pick<VerifyAuthenticationResult, 'authentication' | 'assertion'> &
    Partial<Pick<VerifyAuthenticationResult, 'deviceToken'>>,
  { challengeId, email }: { challengeId?: string; email?: string } = {},
) {
  const auth = outcome.authentication;
  const view = authenticationView(auth);
  if (auth.status !== 'SUCCEEDED' || !outcome.assertion) {
    deps.sessions.write(request, reply, { ...session, pending: undefined });
    return view;
  }
  const claims = await deps.assertions.verify(outcome.assertion.token, {
    ...(auth.userId ? { userId: auth.userId } : {}),
  });
  const userId = String(claims.sub);
  const knownEmail =
    email ?? (session.userId === userId ? session.email : undefined) ?? (await emailOf(deps, userId));
  deps.sessions.write(request, reply, {
    userId,
    email: knownEmail,
    ...(challengeId ? { mfaProof: challengeId } : {}),
  });
  if (outcome.deviceToken?.token) {
    const expiresAt = outcome.deviceToken.expireTime ? toDate(outcome.deviceToken.expireTime) : undefined;
    deps.sessions.rememberDevice(request, reply, outcome.deviceToken.token, expiresAt);
  }
  return {
    ...view,
    user: { id: userId, email: knownEmail },
    acr: outcome.assertion.acr,
    amr: outcome.assertion.amr,
    assertionClaims: claims,
    deviceRemembered: Boolean(outcome.deviceToken?.token),
  };
}

/** A finished payment step-up: the assertion must approve exactly this payment. */
export async function completePayment(
  deps: DemoDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  session: DemoSession,
  outcome: Pick<VerifyAuthenticationResult, 'authentication' | 'assertion'>,
  payment: NonNullable<PendingAuthentication['action']>,
  challengeId?: string,
) {
  const auth = outcome.authentication;
  const view = authenticationView(auth);
  const { userId } = signedInUser(session);
  const next = { ...session, pending: undefined, ...(challengeId ? { mfaProof: challengeId } : {}) };
  deps.sessions.write(request, reply, next);
  if (auth.status !== 'SUCCEEDED' || !outcome.assertion) return { ...view, payment };
  const claims = await deps.assertions.verify(outcome.assertion.token, {
    userId,
    action: { type: 'payment', ...payment, reference: '' },
  });
  // The shop would now execute the payment: the assertion is its proof that the customer saw
  // and approved these exact details (PSD2 dynamic linking).
  return {
    ...view,
    payment: { ...payment, approved: true, approvedAction: claims['approved_action'] },
    acr: outcome.assertion.acr,
    amr: outcome.assertion.amr,
    assertionClaims: claims,
  };
}

async function emailOf(deps: DemoDeps, userId: string): Promise<string> {
  const { user } = await deps.portcullis.getUser({ userId });
  return user.email;
}
